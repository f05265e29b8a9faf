/**
 * The one FFT of the core: a real FFT of a fixed power-of-two size that writes the one-sided power
 * spectrum |X_k|², k = 0..N/2. Hum adds up its blocks' windowed spectra with it
 * (addWindowedPower, all in the kernels); the frames, the echo and the display run their own
 * transforms in the kernels (fft4.c and fft32.c in float32, spectro_frame on this one's plan).
 *
 * N real samples are read as N/2 complex ones (z_j = x_{2j} + i·x_{2j+1}), transformed by an
 * N/2-point complex FFT (radix-2 bit-reversed input, then radix-4 decimation-in-time stages with
 * per-stage twiddle tables, one radix-2 stage first when log2(N/2) is odd, otherwise the first
 * radix-4 stage fused into the bit-reversal copy), and the two interleaved half-length spectra
 * are split into X_k. It runs in the analysis kernels (src/core/kernels/c/fft.c) in float64, two
 * lanes (re, im) at a time; results agree with a direct DFT to ~1e-16 of the spectrum's peak.
 */
import { kernels, owned, type KernelHeld, kernelMemoryFull } from '../kernels/runtime';

export interface PowerSpectrum extends KernelHeld {
  readonly size: number;
  /** A scratch input buffer of length `size` callers may fill and pass to `power`. */
  readonly input: Float64Array;
  /** Writes |X_k|² for k = 0..size/2 of `input` (length `size`) into `out` (length ≥ size/2 + 1). */
  power(input: ArrayLike<number>, out: Float64Array): void;
  /**
   * For input already in kernel memory: adds |X_k|² of x·w, k = 0..maxBin, to the maxBin + 1
   * doubles at `sum` (x and w: pointers to `size` doubles; fft_power_add), with no copy out.
   */
  addWindowedPower(x: number, w: number, sum: number, maxBin: number): void;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
}

export function createPowerSpectrum(size: number): PowerSpectrum {
  if (!isPowerOfTwo(size)) throw new RangeError(`FFT size must be a power of two, got ${size}`);
  const k = kernels();
  const plan = k.exports.fft_plan_new(size);
  if (plan === 0) throw kernelMemoryFull();
  const inPtr = k.exports.fft_plan_input(plan);
  const outPtr = k.exports.fft_plan_output(plan);
  const bins = size / 2 + 1;
  const spectrum: PowerSpectrum = {
    size,
    input: new Float64Array(size),
    power(x, out) {
      if (x.length !== size) throw new RangeError(`FFT input must have length ${size}`);
      k.f64(inPtr, size).set(x);
      k.exports.fft_power(plan, inPtr, outPtr);
      out.set(k.f64(outPtr, bins));
    },
    addWindowedPower(x, w, sum, maxBin) {
      k.exports.fft_power_add(plan, x, w, sum, maxBin);
    },
    release: (): void => undefined,
  };
  spectrum.release = owned(spectrum, () => k.exports.fft_plan_free(plan));
  return spectrum;
}
