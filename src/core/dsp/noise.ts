/**
 * Seeded noise generators (mulberry32 underneath), so every generated signal reproduces
 * bit-identically from its seed: white Gaussian and pink (−3 dB/octave) Gaussian noise.
 */
import { mulberry32 } from './rng';

/** Standard normal deviates (Box–Muller, both outputs used) from a uniform [0, 1) source. */
export function gaussian(rand: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = Math.max(rand(), 1e-300);
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Unit-variance white Gaussian noise. */
export function whiteNoise(length: number, seed: number): Float32Array {
  return whiteFrom(gaussian(mulberry32(seed)), length);
}

/** Pink (−3 dB/octave) noise from a seed. */
export function pinkNoise(length: number, seed: number): Float32Array {
  return pinkFrom(gaussian(mulberry32(seed)), length);
}

/** `length` draws of a Gaussian source. */
export function whiteFrom(g: () => number, length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = g();
  return out;
}

/** Pink (−3 dB/octave) noise: Paul Kellet's refined filter over a white Gaussian source. */
export function pinkFrom(g: () => number, length: number): Float32Array {
  const out = new Float32Array(length);
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  for (let i = 0; i < length; i++) {
    const w = g();
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
  }
  return out;
}
