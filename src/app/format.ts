/** Display formatting only: no measurement happens here. */

export const fmtDb = (x: number | null | undefined, unit = 'dBFS', digits = 1): string =>
  x === null || x === undefined ? (unit === 'dBFS' ? '−∞ dBFS' : '—') : `${fmtSigned(x, digits)} ${unit}`;

export function fmtSigned(x: number, digits = 1): string {
  const s = x.toFixed(digits);
  return s.startsWith('-') ? `−${s.slice(1)}` : s;
}

export function fmtHz(hz: number | null | undefined): string {
  if (hz === null || hz === undefined) return '—';
  if (hz >= 1000) return `${(hz / 1000).toFixed(hz % 1000 === 0 ? 0 : hz >= 10_000 ? 1 : 2)} kHz`;
  return `${Math.round(hz)} Hz`;
}

export function fmtRate(hz: number): string {
  return hz % 1000 === 0 ? `${hz / 1000} kHz` : `${(hz / 1000).toFixed(hz % 100 === 0 ? 1 : 3).replace(/0+$/, '')} kHz`;
}

export function fmtSec(sec: number | null | undefined, digits = 2): string {
  if (sec === null || sec === undefined) return '—';
  if (sec >= 60) {
    const m = Math.floor(sec / 60);
    const s = sec - 60 * m;
    return `${m}:${s.toFixed(digits >= 1 ? 1 : 0).padStart(digits >= 1 ? 4 : 2, '0')}`;
  }
  return `${sec.toFixed(digits)} s`;
}

/** Clock for the player: m:ss.s */
export function fmtClock(sec: number): string {
  const m = Math.floor(sec / 60);
  const s = sec - 60 * m;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}

export function fmtPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined) return '—';
  const p = ratio * 100;
  if (p > 0 && p < 10 ** -digits) return `< ${10 ** -digits} %`;
  return `${p.toFixed(digits)} %`;
}

export function fmtBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

export const fmtNumber = (x: number | null | undefined, digits = 2): string =>
  x === null || x === undefined ? '—' : fmtSigned(x, digits);

export const channelName = (index: number, count: number): string =>
  count === 2 ? (index === 0 ? 'Left' : 'Right') : `Ch ${index + 1}`;

/** A time range: "1.20–1.35 s", or m:ss.s for long files. */
export function fmtRange(startSec: number, endSec: number): string {
  if (endSec >= 60) return `${fmtClock(startSec)}–${fmtClock(endSec)}`;
  return `${startSec.toFixed(2)}–${endSec.toFixed(2)} s`;
}
