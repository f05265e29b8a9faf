/**
 * Property-based fuzzing (fast-check) of the WAV header parser, the streaming decoder and the
 * container probe on mutated valid files: bit flips, random field values, chunk sizes near 2^32,
 * truncation at every length. Properties:
 * - nothing but a typed Result comes back (no exception escapes);
 * - nothing is sized by a header's claims: the data region lies inside the file, and the decoder
 *   yields at most (bytes present after the header) / blockAlign frames per channel;
 * - every call returns within a time bound.
 * The in-memory parser (parseWavHeader) and the piecewise one (readWavHeader) agree on every input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../../src/core/analyze';
import { probeSource } from '../../../src/core/format/probe';
import { bytesSource } from '../../../src/core/format/source';
import { createWavDecoder, MAX_CHANNELS, MAX_SAMPLE_RATE_HZ, MIN_SAMPLE_RATE_HZ, parseWavHeader, readWavHeader, type ParsedWav } from '../../../src/core/format/wav';
import { AudioPathError, type Result } from '../../../src/core/types';
import { silentMp3, videoOnly } from '../../hostile/compressed-bytes';
import { ascii, chunk, concat, fmtBody, fmtExtensible, garbage, riff, sampleBytes, sine, subformatGuid } from '../../hostile/wav-bytes';

const ERROR_CODES = new Set(['empty-file', 'not-audio', 'truncated', 'unsupported-codec', 'absurd-header', 'too-many-channels', 'too-long', 'decode-failed', 'io-error']);
/** Per call; generous for a loaded CI machine, yet far below "hangs". */
const PARSE_LIMIT_MS = 50;
const PROBE_LIMIT_MS = 2000;

const SEEDS: Uint8Array[] = [
  riff([chunk('fmt ', fmtBody({ format: 1, channels: 1, rateHz: 16000, bits: 16 })), chunk('data', sampleBytes(sine(16000, 0.05), 's16'))]),
  riff([
    chunk('LIST', concat(ascii('INFOISFT'), garbage(9, 1))),
    chunk('fmt ', fmtExtensible({ channels: 6, rateHz: 48000, bits: 24, validBits: 24, channelMask: 0x3f, subformat: subformatGuid(1) })),
    chunk('fact', Uint8Array.of(1, 0, 0, 0)),
    chunk('data', sampleBytes(sine(48000, 0.01, 6), 's24')),
  ]),
  riff([chunk('fmt ', fmtBody({ format: 3, channels: 2, rateHz: 44100, bits: 32 })), chunk('data', sampleBytes(sine(44100, 0.01, 2), 'f32'))]),
  riff([chunk('ds64', new Uint8Array(28)), chunk('fmt ', fmtBody({ format: 1, channels: 1, rateHz: 8000, bits: 8 })), chunk('data', sampleBytes(sine(8000, 0.1), 'u8'), 0xffffffff)], { magic: 'RF64' }),
];

/** Byte offsets of every chunk-size field in a RIFF file (walking the real sizes). */
function sizeFields(bytes: Uint8Array): number[] {
  const out = [4];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let o = 12; o + 8 <= bytes.length; ) {
    out.push(o + 4);
    const size = v.getUint32(o + 4, true);
    if (size === 0xffffffff) break;
    o += 8 + size + (size & 1);
  }
  return out;
}

type Mutation =
  | { kind: 'flip'; pos: number; bit: number }
  | { kind: 'byte'; pos: number; value: number }
  | { kind: 'u16'; pos: number; value: number }
  | { kind: 'u32'; pos: number; value: number }
  | { kind: 'size'; field: number; value: number };

const u32Value = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.integer({ min: 0xffffffff - 64, max: 0xffffffff }), // near 2^32
  fc.integer({ min: 0x7fffffff - 8, max: 0x80000008 }), // around 2^31
  fc.integer({ min: 0, max: 64 }),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), pos: fc.nat(127), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant('byte' as const), pos: fc.nat(127), value: fc.nat(255) }),
  fc.record({ kind: fc.constant('u16' as const), pos: fc.nat(126), value: fc.oneof(fc.nat(0xffff), fc.nat(64)) }),
  fc.record({ kind: fc.constant('u32' as const), pos: fc.nat(124), value: u32Value }),
  fc.record({ kind: fc.constant('size' as const), field: fc.nat(7), value: u32Value }),
);

function mutate(seed: Uint8Array, mutations: Mutation[], cut: number | null): Uint8Array {
  const bytes = seed.slice();
  const v = new DataView(bytes.buffer);
  const fields = sizeFields(seed);
  for (const m of mutations) {
    if (m.kind === 'flip' && m.pos < bytes.length) bytes[m.pos] ^= 1 << m.bit;
    else if (m.kind === 'byte' && m.pos < bytes.length) bytes[m.pos] = m.value;
    else if (m.kind === 'u16' && m.pos + 2 <= bytes.length) v.setUint16(m.pos, m.value, true);
    else if (m.kind === 'u32' && m.pos + 4 <= bytes.length) v.setUint32(m.pos, m.value, true);
    else if (m.kind === 'size') v.setUint32(fields[m.field % fields.length], m.value, true);
  }
  return cut === null ? bytes : bytes.subarray(0, Math.min(cut, bytes.length));
}

const mutated = fc
  .tuple(fc.nat(SEEDS.length - 1), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.option(fc.nat(600), { nil: null }))
  .map(([s, ms, cut]) => mutate(SEEDS[s], ms, cut));

/** The invariants every parse must keep; returns the decoded frame count (0 for errors). */
function checkParse(r: Result<ParsedWav>, bytes: Uint8Array): number {
  if (!r.ok) {
    expect(ERROR_CODES.has(r.error.code), r.error.code).toBe(true);
    expect(r.error.message.length).toBeGreaterThan(10);
    return 0;
  }
  const { layout, probe } = r.value;
  expect(layout.channels).toBeGreaterThanOrEqual(1);
  expect(layout.channels).toBeLessThanOrEqual(MAX_CHANNELS);
  expect(layout.sampleRateHz).toBeGreaterThanOrEqual(MIN_SAMPLE_RATE_HZ);
  expect(layout.sampleRateHz).toBeLessThanOrEqual(MAX_SAMPLE_RATE_HZ);
  expect(layout.dataBytes).toBeGreaterThan(0);
  expect(layout.dataBytes % layout.blockAlign).toBe(0);
  expect(layout.dataOffset + layout.dataBytes).toBeLessThanOrEqual(bytes.length);
  expect(Number.isFinite(probe.durationSec)).toBe(true);
  const decoded = createWavDecoder(layout).decode(bytes.subarray(layout.dataOffset, layout.dataOffset + layout.dataBytes));
  expect(decoded).toHaveLength(layout.channels);
  // The allocation bound: frames come from bytes present, never from a header's claim.
  const bound = Math.floor((bytes.length - layout.dataOffset) / layout.blockAlign);
  for (const c of decoded) expect(c.length).toBeLessThanOrEqual(bound);
  return decoded[0].length;
}

const timed = <T>(f: () => T): { value: T; ms: number } => {
  const t = performance.now();
  const value = f();
  return { value, ms: performance.now() - t };
};

describe('fuzzing the WAV parser and the probe (fast-check)', () => {
  it('mutated headers: a typed result, data inside the file, decoded frames ≤ bytes / blockAlign, fast', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, async (bytes) => {
        const { value: r, ms } = timed(() => parseWavHeader(bytes, bytes.length));
        expect(ms).toBeLessThan(PARSE_LIMIT_MS);
        checkParse(r, bytes);
        // The piecewise reader (used on files) agrees with the in-memory one.
        expect(await readWavHeader(bytesSource(bytes))).toEqual(r);
      }),
      { numRuns: 1500, seed: 0x5eed },
    );
  });

  it('a head shorter than the file never reads past it, and says so with a typed error', () => {
    fc.assert(
      fc.property(mutated, fc.nat(200), (bytes, headLength) => {
        const head = bytes.slice(0, Math.min(headLength, bytes.length));
        const r = parseWavHeader(head, bytes.length + 1000);
        if (r.ok) expect(r.value.layout.dataOffset).toBeLessThanOrEqual(head.length);
        else expect(ERROR_CODES.has(r.error.code)).toBe(true);
      }),
      { numRuns: 500, seed: 0x5eed },
    );
  });

  it('truncation at every length of every seed gives a typed result within bounds', () => {
    for (const seed of SEEDS) {
      let okCount = 0;
      for (let n = 0; n <= seed.length; n++) {
        const bytes = seed.subarray(0, n);
        const { value: r, ms } = timed(() => parseWavHeader(bytes, n));
        expect(ms).toBeLessThan(PARSE_LIMIT_MS);
        if (checkParse(r, bytes) > 0) okCount++;
      }
      // Once the header is whole, every longer prefix is readable (and analysed as far as it goes).
      expect(okCount).toBeGreaterThan(0);
    }
  });

  it('decoding a fuzzed file through the analyser never throws anything but a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, async (bytes) => {
        const r = parseWavHeader(bytes, bytes.length);
        if (!r.ok) return;
        const { layout } = r.value;
        try {
          const analyzer = createAnalyzer(layout.sampleRateHz, layout.channels);
          const decoder = createWavDecoder(layout);
          const data = bytes.subarray(layout.dataOffset, layout.dataOffset + layout.dataBytes);
          for (let i = 0; i < data.length; i += 333) analyzer.push(decoder.decode(data.subarray(i, i + 333)));
          const m = analyzer.finish();
          expect(m.frameCount).toBe(layout.dataBytes / layout.blockAlign);
          expect(Number.isFinite(m.durationSec)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(AudioPathError);
        }
      }),
      { numRuns: 200, seed: 0x5eed },
    );
  });

  it('the probe answers any mutated WAV, MP3 or MP4 with a typed result, in bounded time', async () => {
    const others = [silentMp3(20), await videoOnly('mp4'), await videoOnly('webm')];
    const seeds = [...SEEDS, ...others];
    const anyFile = fc
      .tuple(fc.nat(seeds.length - 1), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.option(fc.nat(2000), { nil: null }))
      .map(([s, ms, cut]) => {
        const bytes = seeds[s].slice();
        for (const m of ms) if (m.kind === 'flip' && m.pos < bytes.length) bytes[m.pos] ^= 1 << m.bit;
        else if (m.kind === 'byte' && m.pos < bytes.length) bytes[m.pos] = m.value;
        else if (m.kind === 'u32' && m.pos + 4 <= bytes.length) new DataView(bytes.buffer).setUint32(m.pos, m.value, true);
        return cut === null ? bytes : bytes.subarray(0, cut);
      });
    await fc.assert(
      fc.asyncProperty(anyFile, async (bytes) => {
        const t = performance.now();
        const p = await probeSource(bytesSource(bytes));
        expect(performance.now() - t).toBeLessThan(PROBE_LIMIT_MS);
        if (p.ok) {
          expect(p.value.channels).toBeGreaterThanOrEqual(1);
          expect(p.value.channels).toBeLessThanOrEqual(MAX_CHANNELS);
          expect(p.value.sampleRateHz).toBeGreaterThan(0);
          expect(p.value.bytes).toBe(bytes.length);
          if (p.value.container === 'wav') expect((p.value.durationSec ?? 0) * p.value.sampleRateHz).toBeLessThanOrEqual(bytes.length);
        } else expect(ERROR_CODES.has(p.error.code), p.error.code).toBe(true);
      }),
      { numRuns: 300, seed: 0x5eed },
    );
  });
});
