/**
 * Effective bandwidth: the highest frequency whose level in the long-term average spectrum (LTAS)
 * of speech-level frames is within `rangeDb` (50 dB) of the LTAS maximum.
 *
 * The LTAS is the power average of the Hann-windowed frame spectra whose speech-band level is at
 * or above `minLevelDb` (the VAD's onset threshold), read from the level buckets of the frame
 * table, lightly smoothed (power moving average over ±smoothHz). The maximum is searched above
 * 80 Hz so DC offset and rumble cannot set the reference. The crossing is interpolated between
 * bins. Spectral roll-off (85 %/99 % of energy) is not used: it measures spectral tilt, not
 * band limits.
 */
import type { SpectrumBuckets } from '../frames/types';
import type { BandwidthSummary } from '../summary/types';

export interface BandwidthOptions {
  rangeDb: number;
  smoothHz: number;
  minReferenceHz: number;
}

const DEFAULTS: BandwidthOptions = { rangeDb: 50, smoothHz: 60, minReferenceHz: 80 };

/** Power-average spectrum of the buckets at or above `minLevelDb`; null if there are none. */
export function longTermSpectrum(spectrum: SpectrumBuckets, minLevelDb: number): Float64Array | null {
  const sum = new Float64Array(spectrum.binCount);
  let frames = 0;
  const minKey = Math.floor(minLevelDb);
  for (const [key, bucket] of spectrum.buckets) {
    if (key < minKey) continue;
    frames += bucket.frames;
    for (let k = 0; k < sum.length; k++) sum[k] += bucket.powerSum[k];
  }
  if (frames === 0) return null;
  for (let k = 0; k < sum.length; k++) sum[k] /= frames;
  return sum;
}

export function effectiveBandwidth(
  spectrum: SpectrumBuckets,
  sampleRateHz: number,
  minLevelDb: number | null,
  options: Partial<BandwidthOptions> = {},
): BandwidthSummary {
  const none: BandwidthSummary = { effectiveHz: null, fractionOfNyquist: null };
  if (minLevelDb === null) return none;
  const cfg = { ...DEFAULTS, ...options };
  const ltas = longTermSpectrum(spectrum, minLevelDb);
  if (!ltas) return none;
  const n = ltas.length;
  const r = Math.max(1, Math.round(cfg.smoothHz / spectrum.binHz));
  const smooth = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let s = 0;
    let c = 0;
    for (let j = Math.max(0, k - r); j <= Math.min(n - 1, k + r); j++) {
      s += ltas[j];
      c++;
    }
    smooth[k] = s / c;
  }
  const firstRef = Math.min(n - 1, Math.ceil(cfg.minReferenceHz / spectrum.binHz));
  let max = 0;
  for (let k = firstRef; k < n; k++) if (smooth[k] > max) max = smooth[k];
  if (!(max > 0)) return none;
  const limit = max * 10 ** (-cfg.rangeDb / 10);
  let top = -1;
  for (let k = n - 1; k >= 0; k--) {
    if (smooth[k] >= limit) {
      top = k;
      break;
    }
  }
  if (top < 0) return none;
  let hz = top * spectrum.binHz;
  if (top < n - 1) {
    // Interpolate the crossing in dB between bin `top` (≥ limit) and `top + 1` (< limit).
    const a = 10 * Math.log10(smooth[top]);
    const b = smooth[top + 1] > 0 ? 10 * Math.log10(smooth[top + 1]) : -Infinity;
    const l = 10 * Math.log10(limit);
    const frac = Number.isFinite(b) && a > b ? (a - l) / (a - b) : 0;
    hz += Math.min(1, Math.max(0, frac)) * spectrum.binHz;
  }
  const nyquist = sampleRateHz / 2;
  hz = Math.min(hz, nyquist);
  return { effectiveHz: hz, fractionOfNyquist: hz / nyquist };
}
