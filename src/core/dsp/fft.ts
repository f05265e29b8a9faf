/**
 * A typed adapter over fft.js (its own typings are `any`): one real FFT of a fixed power-of-two
 * size that writes the one-sided power spectrum |X_k|², k = 0..N/2.
 */
import FFT from 'fft.js';

interface FftJs {
  realTransform(out: number[] | Float64Array, data: ArrayLike<number>): void;
  createComplexArray(): number[];
}
type FftJsConstructor = new (size: number) => FftJs;

export interface PowerSpectrum {
  readonly size: number;
  /** Writes |X_k|² for k = 0..size/2 into `out` (length ≥ size/2 + 1). `input` has length `size`. */
  power(input: Float64Array, out: Float64Array): void;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
}

export function createPowerSpectrum(size: number): PowerSpectrum {
  if (!isPowerOfTwo(size)) throw new RangeError(`FFT size must be a power of two, got ${size}`);
  const fft = new (FFT as unknown as FftJsConstructor)(size);
  const complex = new Float64Array(2 * size);
  const half = size / 2;
  return {
    size,
    power(input, out) {
      fft.realTransform(complex, input);
      // realTransform fills bins 0..N/2 (the rest is left for completeSpectrum, which we skip).
      for (let k = 0; k <= half; k++) {
        const re = complex[2 * k];
        const im = complex[2 * k + 1];
        out[k] = re * re + im * im;
      }
    },
  };
}
