/**
 * Band-limited resampling and low-pass filtering with one Kaiser-windowed sinc kernel.
 *
 * Resampling evaluates y(n) = Σ_k x[k]·h(n·from/to − k), where h is a sinc with its cutoff at
 * `rolloff` × the lower of the two Nyquist rates, windowed by a Kaiser window (β = 8, ≈ 80 dB
 * stop band) spanning ±`zeroCrossings` of the sinc. The kernel is tabulated finely and linearly
 * interpolated, so arbitrary ratios (44.1k → 16k, 8k → 48k) cost the same per output sample.
 * Edges are zero-padded. Used by the impairments; the analysis core never resamples.
 */

const BETA = 8;
const ZERO_CROSSINGS = 16;
const TABLE_STEPS_PER_CROSSING = 512;

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

/** h(u) for u = distance in sinc zero-crossings, 0 ≤ u ≤ ZERO_CROSSINGS (sinc·Kaiser, unit gain at 0). */
const KERNEL_TABLE: Float64Array = (() => {
  const n = ZERO_CROSSINGS * TABLE_STEPS_PER_CROSSING;
  const table = new Float64Array(n + 2);
  const i0Beta = besselI0(BETA);
  for (let i = 0; i <= n; i++) {
    const u = i / TABLE_STEPS_PER_CROSSING;
    const sinc = u === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
    const r = u / ZERO_CROSSINGS;
    table[i] = sinc * (besselI0(BETA * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta);
  }
  return table;
})();

function kernelAt(u: number): number {
  const a = Math.abs(u) * TABLE_STEPS_PER_CROSSING;
  const i = Math.floor(a);
  if (i >= ZERO_CROSSINGS * TABLE_STEPS_PER_CROSSING) return 0;
  const f = a - i;
  return KERNEL_TABLE[i] * (1 - f) + KERNEL_TABLE[i + 1] * f;
}

/**
 * Resample one channel from `fromHz` to `toHz`. `rolloff` places the cutoff as a fraction of
 * the lower Nyquist rate (0.95: flat to 95 %, stop band from ~105 %).
 */
export function resampleChannel(x: Float32Array, fromHz: number, toHz: number, rolloff = 0.95): Float32Array {
  if (!(fromHz > 0 && toHz > 0)) throw new RangeError('sample rates must be positive');
  if (fromHz === toHz) return x.slice();
  const step = fromHz / toHz; // input samples per output sample
  const outLength = Math.floor((x.length * toHz) / fromHz);
  const out = new Float32Array(outLength);
  // Cutoff in cycles per input sample; the sinc's zero crossings are 1/(2·fc) input samples apart.
  const fc = 0.5 * rolloff * Math.min(1, toHz / fromHz);
  const crossingsPerSample = 2 * fc;
  const halfWidth = ZERO_CROSSINGS / crossingsPerSample;
  for (let n = 0; n < outLength; n++) {
    const t = n * step;
    const k0 = Math.max(0, Math.ceil(t - halfWidth));
    const k1 = Math.min(x.length - 1, Math.floor(t + halfWidth));
    let acc = 0;
    for (let k = k0; k <= k1; k++) acc += x[k] * kernelAt((t - k) * crossingsPerSample);
    out[n] = acc * crossingsPerSample;
  }
  return out;
}

/** Zero-phase FIR low-pass at `cutoffHz` (the same windowed sinc), length preserved. */
export function lowPassChannel(x: Float32Array, sampleRateHz: number, cutoffHz: number): Float32Array {
  const fc = Math.min(0.5, Math.max(0, cutoffHz / sampleRateHz));
  if (fc >= 0.5) return x.slice();
  const crossingsPerSample = 2 * fc;
  const half = Math.floor(ZERO_CROSSINGS / crossingsPerSample);
  const taps = new Float64Array(2 * half + 1);
  for (let j = -half; j <= half; j++) taps[j + half] = kernelAt(j * crossingsPerSample) * crossingsPerSample;
  const out = new Float32Array(x.length);
  for (let n = 0; n < x.length; n++) {
    const k0 = Math.max(0, n - half);
    const k1 = Math.min(x.length - 1, n + half);
    let acc = 0;
    for (let k = k0; k <= k1; k++) acc += x[k] * taps[k - n + half];
    out[n] = acc;
  }
  return out;
}
