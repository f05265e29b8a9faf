/** Test signals with analytic answers, shared by the frame-level tests (frames, vad, snr, ...). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFrameAnalysis } from '../../../src/core/frames/frame-analysis';
import type { FrameAnalysisSettings, FrameTable } from '../../../src/core/frames/types';
import { REPO_ROOT, readWav16Mono, rng, whiteNoise, pinkNoise } from '../../../scripts/eval/dataset';

export { rng, whiteNoise, pinkNoise };

export function sine(sampleRateHz: number, seconds: number, freqHz: number, amplitude: number, phase = 0): Float32Array {
  const n = Math.round(seconds * sampleRateHz);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / sampleRateHz + phase);
  return x;
}

/**
 * Tone bursts (given in seconds) of a sine in exact digital silence; `rampSec` > 0 gives each
 * burst raised-cosine fades (an abrupt onset splatters energy across the spectrum).
 */
export function toneBursts(
  sampleRateHz: number,
  seconds: number,
  bursts: ReadonlyArray<[number, number]>,
  freqHz = 1000,
  amplitude = 0.5,
  rampSec = 0,
): Float32Array {
  const x = new Float32Array(Math.round(seconds * sampleRateHz));
  const ramp = Math.round(rampSec * sampleRateHz);
  for (const [a, b] of bursts) {
    const i0 = Math.round(a * sampleRateHz);
    const i1 = Math.round(b * sampleRateHz);
    for (let i = i0; i < i1; i++) {
      const edge = Math.min(i - i0, i1 - 1 - i);
      const g = ramp > 0 && edge < ramp ? 0.5 - 0.5 * Math.cos((Math.PI * edge) / ramp) : 1;
      x[i] = g * amplitude * Math.sin((2 * Math.PI * freqHz * i) / sampleRateHz);
    }
  }
  return x;
}

export function scaled(x: Float32Array, k: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] * k;
  return y;
}

export function add(a: Float32Array, b: Float32Array): Float32Array {
  const y = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) y[i] = a[i] + b[i];
  return y;
}

export function rms(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / (to - from));
}

export function fixture(rel: string): { sampleRateHz: number; samples: Float32Array } {
  return readWav16Mono(readFileSync(join(REPO_ROOT, 'fixtures', rel)));
}

/** Speech fixture between exact digital-silence margins. */
export function speechInSilence(rel: string, leadSec: number, tailSec: number): { sampleRateHz: number; samples: Float32Array; start: number; end: number } {
  const f = fixture(rel);
  const lead = Math.round(leadSec * f.sampleRateHz);
  const out = new Float32Array(lead + f.samples.length + Math.round(tailSec * f.sampleRateHz));
  out.set(f.samples, lead);
  return { sampleRateHz: f.sampleRateHz, samples: out, start: lead, end: lead + f.samples.length };
}

/** Frame table of planar audio pushed in one go, or in the given chunk lengths (cycled). */
export function table(
  channels: Float32Array[],
  sampleRateHz: number,
  chunks: number[] | null = null,
  settings: Partial<FrameAnalysisSettings> = {},
): FrameTable {
  const acc = createFrameAnalysis(sampleRateHz, channels.length, settings);
  if (!chunks) {
    acc.push(channels);
  } else {
    let pos = 0;
    let k = 0;
    const n = channels[0].length;
    while (pos < n) {
      const len = Math.min(chunks[k++ % chunks.length], n - pos);
      acc.push(channels.map((c) => c.subarray(pos, pos + len)));
      pos += len;
    }
  }
  return acc.finish();
}

/** Random chunk lengths 0..max from a seed (0-length chunks are legal pushes). */
export function randomChunks(seed: number, count: number, max: number): number[] {
  const r = rng(seed);
  return [...Array.from({ length: count }, () => Math.floor(r() * (max + 1))), 1];
}
