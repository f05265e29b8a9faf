/**
 * dB helpers. Powers are mean squares of samples in full-scale units, so 10·log10(power) is dBFS
 * on the RMS scale (a full-scale sine reads −3.01 dBFS, as in SoX and ffmpeg astats).
 * Zero power is −Infinity here; the summary converts −Infinity to null at the boundary.
 */
export function powerToDb(power: number): number {
  return power > 0 ? 10 * Math.log10(power) : -Infinity;
}

export function dbToPower(db: number): number {
  return db === -Infinity ? 0 : 10 ** (db / 10);
}

/** −Infinity → null, as the summary types want it. */
export function dbOrNull(db: number): number | null {
  return Number.isFinite(db) ? db : null;
}
