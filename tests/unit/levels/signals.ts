/** Signals, a tiny WAV reader, G.711 codecs and chunking helpers for the levels tests. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Accumulator } from '../../../src/core/types';
import { decodeWavBytes } from '../../../src/core/format/wav';
import { encodeWav, type WavEncoding } from '../../../src/core/format/wav-encode';

export const FIXTURES = join(__dirname, '../../../fixtures');

import { mulberry32 as rng } from '../../../src/core/dsp/rng';
export { rng };

export function sine(sr: number, seconds: number, amplitude: number, freqHz: number, phase = 0): Float32Array {
  const x = new Float32Array(Math.round(seconds * sr));
  for (let i = 0; i < x.length; i++) x[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / sr + phase);
  return x;
}

/** Round to a signed integer grid of `bits` (x·2^(bits−1)), clamped like a PCM writer. */
export function quantize(x: Float32Array, bits: number): Float32Array {
  const scale = 2 ** (bits - 1);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const q = Math.max(-scale, Math.min(scale - 1, Math.round(x[i] * scale)));
    out[i] = q / scale;
  }
  return out;
}

export function gain(x: Float32Array, db: number): Float32Array {
  const g = 10 ** (db / 20);
  return x.map((v) => v * g);
}

export function hardClip(x: Float32Array, level = 1): Float32Array {
  return x.map((v) => Math.max(-level, Math.min(level, v)));
}

/** Push `channels` through `acc` in chunks whose lengths come from `sizes` (cycled). */
export function runChunked<R>(acc: Accumulator<R>, channels: Float32Array[], sizes: number[]): R {
  const n = channels[0].length;
  let i = 0;
  let k = 0;
  while (i < n) {
    const len = Math.max(0, sizes[k++ % sizes.length]);
    const end = Math.min(n, i + len);
    acc.push(channels.map((c) => c.subarray(i, end)));
    i = end;
  }
  return acc.finish();
}

/** Random chunk lengths 0..max (zero-length chunks included on purpose). */
export function randomSizes(seed: number, count: number, max: number): number[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => Math.floor(r() * (max + 1)));
}

export interface Wav {
  sampleRateHz: number;
  channels: Float32Array[];
}

/** Reads any WAV the core reads (the same decoder the CLI uses; ints scaled as SoX does). */
export function readWav(path: string): Wav {
  return decodeWavBytes(readFileSync(path));
}

export function speechFixtures(): string[] {
  const out: string[] = [];
  for (const dir of ['speech/asterisk', 'speech/librivox']) {
    for (const f of readdirSync(join(FIXTURES, dir))) if (f.endsWith('.wav')) out.push(join(FIXTURES, dir, f));
  }
  return out.sort();
}

// --- G.711 (after the public-domain Sun reference g711.c), on 16-bit integers ---

const ULAW_BIAS = 0x84;
export function ulawEncode(pcm: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(pcm)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > 32635) s = 32635;
  s += ULAW_BIAS;
  let exp = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exp > 0; mask >>= 1) exp--;
  const mant = (s >> (exp + 3)) & 0x0f;
  return ~(sign | (exp << 4) | mant) & 0xff;
}
export function ulawDecode(u: number): number {
  const v = ~u & 0xff;
  const t = (((v & 0x0f) << 3) + ULAW_BIAS) << ((v & 0x70) >> 4);
  return v & 0x80 ? ULAW_BIAS - t : t - ULAW_BIAS;
}

const ALAW_SEG_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
export function alawEncode(pcm: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(pcm))) >> 3;
  let mask: number;
  if (s >= 0) mask = 0xd5;
  else {
    mask = 0x55;
    s = -s - 1;
  }
  let seg = 0;
  while (seg < 8 && s > ALAW_SEG_END[seg]) seg++;
  if (seg >= 8) return 0x7f ^ mask;
  let a = seg << 4;
  a |= seg < 2 ? (s >> 1) & 0x0f : (s >> seg) & 0x0f;
  return a ^ mask;
}
export function alawDecode(a: number): number {
  const v = a ^ 0x55;
  let t = (v & 0x0f) << 4;
  const seg = (v & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return v & 0x80 ? t : -t;
}

export const ulawRoundTrip = (x: Float32Array): Float32Array => x.map((v) => ulawDecode(ulawEncode(v * 32768)) / 32768);
export const alawRoundTrip = (x: Float32Array): Float32Array => x.map((v) => alawDecode(alawEncode(v * 32768)) / 32768);

/** Minimal WAV writer: 16/24-bit PCM or 32-bit float, interleaved from planar channels. */
export function wavBytes(channels: Float32Array[], sampleRateHz: number, format: WavEncoding): Buffer {
  return Buffer.from(encodeWav(channels, sampleRateHz, format));
}
