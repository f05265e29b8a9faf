import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../../src/core/analyze';
import { probeSource } from '../../../src/core/format/probe';
import { createWavDecoder, decodeWavBytes, parseWavHeader } from '../../../src/core/format/wav';
import { encodeWav, wavHeader } from '../../../src/core/format/wav-encode';
import { openAudioFile } from '../../../src/node/decode';

const source = fileURLToPath(new URL('../../../fixtures/speech/librivox/sense_and_sensibility_01_austen_64kb-0880.wav', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'apl-format-'));

async function decodeRmsDb(path: string): Promise<{ rmsDbfs: number | null; frames: number; rateHz: number; channels: number; bitDepth: number | null }> {
  const opened = await openAudioFile(path);
  if (!opened.ok) throw new Error(opened.error.message);
  const { probe } = opened.value;
  const analyzer = createAnalyzer(probe.decodedSampleRateHz, probe.channels);
  for await (const chunk of opened.value.chunks()) analyzer.push(chunk);
  const m = analyzer.finish();
  return { rmsDbfs: m.levels.rmsDbfs, frames: m.frameCount, rateHz: probe.decodedSampleRateHz, channels: probe.channels, bitDepth: probe.bitDepth };
}

const sox = (args: string[]): void => void execFileSync('sox', args);
const ffmpeg = (args: string[]): void => void execFileSync('ffmpeg', ['-loglevel', 'error', '-y', ...args]);

describe('WAV variants (written by SoX) decode at the native rate with SoX-exact scaling', async () => {
  const reference = await decodeRmsDb(source);
  const cases: Array<[string, string[], number | null, number]> = [
    // name, sox output options, expected bit depth, RMS tolerance dB (from the quantiser)
    ['s24', ['-b', '24'], 24, 0.001],
    ['s32', ['-b', '32'], 32, 0.001],
    ['f32', ['-e', 'floating-point', '-b', '32'], 32, 0.001],
    ['f64', ['-e', 'floating-point', '-b', '64'], 64, 0.001],
    ['u8', ['-D', '-e', 'unsigned', '-b', '8'], 8, 0.6],
    ['alaw', ['-e', 'a-law'], 8, 0.2],
    ['ulaw', ['-e', 'u-law'], 8, 0.2],
  ];
  for (const [name, opts, bits, tolDb] of cases) {
    it(`${name}`, async () => {
      const out = join(dir, `${name}.wav`);
      sox([source, ...opts, out]);
      const r = await decodeRmsDb(out);
      expect(r.rateHz).toBe(16000);
      expect(r.bitDepth).toBe(bits);
      expect(r.frames).toBe(reference.frames);
      expect(Math.abs((r.rmsDbfs ?? 0) - (reference.rmsDbfs ?? 0))).toBeLessThanOrEqual(tolDb);
    });
  }

  it('6-channel WAVE_FORMAT_EXTENSIBLE at 48 kHz', async () => {
    const out = join(dir, 'ext6.wav');
    sox([source, '-r', '48000', '-c', '6', '-b', '24', out]);
    const head = readFileSync(out);
    expect(head.readUInt16LE(20)).toBe(0xfffe);
    const r = await decodeRmsDb(out);
    expect(r).toMatchObject({ rateHz: 48000, channels: 6, bitDepth: 24 });
  });
});

describe('compressed formats decode in Node at the decoder rate, never resampled', async () => {
  const reference = await decodeRmsDb(source);
  const cases: Array<[string, string[], number, number]> = [
    // file, ffmpeg options, decoded rate, RMS tolerance dB (lossy codecs at these bitrates)
    ['a.flac', [], 16000, 0.001],
    ['a.mp3', ['-b:a', '64k'], 16000, 0.5],
    ['a.ogg', ['-c:a', 'libvorbis'], 16000, 0.5],
    ['a.opus', ['-c:a', 'libopus', '-b:a', '32k'], 48000, 0.5],
  ];
  for (const [file, opts, rateHz, tolDb] of cases) {
    it(file, async () => {
      const out = join(dir, file);
      ffmpeg(['-i', source, ...opts, out]);
      const r = await decodeRmsDb(out);
      expect(r.rateHz).toBe(rateHz);
      expect(r.channels).toBe(1);
      expect(Math.abs((r.rmsDbfs ?? 0) - (reference.rmsDbfs ?? 0))).toBeLessThanOrEqual(tolDb);
      // Duration within one codec frame of the source (encoder delay trimmed).
      expect(Math.abs(r.frames / rateHz - reference.frames / 16000)).toBeLessThan(0.03);
    });
  }
});

describe('bad input gets a typed error, never an exception', () => {
  it('empty, text, truncated header, zero channels, absurd rate', async () => {
    const wav = readFileSync(source);
    const zeroCh = Buffer.from(wav);
    zeroCh.writeUInt16LE(0, 22);
    const absurdRate = Buffer.from(wav);
    absurdRate.writeUInt32LE(4_000_000_000, 24);
    const files: Array<[string, Uint8Array, string]> = [
      ['empty.wav', new Uint8Array(0), 'empty-file'],
      ['text.wav', new TextEncoder().encode('hello, I am not audio\n'.repeat(10)), 'not-audio'],
      ['head.wav', wav.subarray(0, 30), 'truncated'],
      ['zero-channels.wav', zeroCh, 'absurd-header'],
      ['absurd-rate.wav', absurdRate, 'absurd-header'],
    ];
    for (const [name, bytes, code] of files) {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      const r = await openAudioFile(p);
      expect(r.ok, name).toBe(false);
      if (!r.ok) expect(r.error.code, name).toBe(code);
    }
  });

  it('a header claiming far more data than present is analysed as far as it goes, with a warning', () => {
    const wav = new Uint8Array(readFileSync(source));
    const r = parseWavHeader(wav.subarray(0, 44 + 3200), 44 + 3200);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.probe.durationSec).toBeCloseTo(0.1, 6);
      expect(r.value.probe.warnings?.join(' ')).toMatch(/truncated/);
    }
  });

  it('a data chunk that ends inside a sample frame: the whole frames are read, and the leftover bytes are named', () => {
    // 24-bit stereo (6-byte frames), 100 frames and 3 bytes more, declared and present.
    const frames = 100;
    const dataBytes = 6 * frames + 3;
    const wav = new Uint8Array(44 + dataBytes + 1);
    wav.set(wavHeader('pcm24', 2, 48000, frames));
    const v = new DataView(wav.buffer);
    v.setUint32(40, dataBytes, true);
    v.setUint32(4, wav.length - 8, true);
    const r = parseWavHeader(wav, wav.length);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.layout.dataBytes).toBe(6 * frames);
    expect(r.value.probe.warnings).toEqual(['The data chunk ends with 3 bytes that do not make a whole sample frame (6 bytes); they were not read.']);
    // One byte over: said in the singular.
    const one = new Uint8Array(wav.subarray(0, 44 + 6 * frames + 1));
    new DataView(one.buffer).setUint32(40, 6 * frames + 1, true);
    const r1 = parseWavHeader(one, one.length);
    expect(r1.ok && r1.value.probe.warnings).toEqual(['The data chunk ends with 1 byte that does not make a whole sample frame (6 bytes); it was not read.']);
    // A truncated file says so once, not also this.
    const cut = parseWavHeader(wav.subarray(0, 44 + 6 * 50 + 2), 44 + 6 * 50 + 2);
    expect(cut.ok && cut.value.probe.warnings?.length).toBe(1);
    expect(cut.ok && cut.value.probe.warnings?.[0]).toMatch(/truncated/);
  });

  it('mutated WAV headers never throw and never claim more data than the bytes present (fast-check)', async () => {
    const wav = new Uint8Array(readFileSync(source)).subarray(0, 4096);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(63), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.integer({ min: 0, max: wav.length }),
        async (mutations, cut) => {
          const bytes = wav.slice(0, cut);
          for (const [pos, value] of mutations) if (pos < bytes.length) bytes[pos] = value;
          const r = parseWavHeader(bytes, bytes.length);
          if (r.ok) {
            const { layout } = r.value;
            expect(layout.dataOffset + layout.dataBytes).toBeLessThanOrEqual(bytes.length);
            const out = createWavDecoder(layout).decode(bytes.subarray(layout.dataOffset, layout.dataOffset + layout.dataBytes));
            expect(out).toHaveLength(layout.channels);
          } else {
            expect(r.error.code).toMatch(/^[a-z-]+$/);
          }
          const p = await probeSource({ size: bytes.length, read: async (o, l) => bytes.subarray(o, o + l) });
          expect(typeof p.ok).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the streaming WAV decoder gives the same samples however the bytes are split', () => {
    const wav = new Uint8Array(readFileSync(source));
    const parsed = parseWavHeader(wav, wav.length);
    if (!parsed.ok) throw new Error('fixture');
    const { layout } = parsed.value;
    const data = wav.subarray(layout.dataOffset, layout.dataOffset + layout.dataBytes);
    const whole = createWavDecoder(layout).decode(data)[0];
    const d = createWavDecoder(layout);
    const parts: Float32Array[] = [];
    for (let i = 0; i < data.length; i += 777) parts.push(d.decode(data.subarray(i, i + 777))[0]);
    const joined = new Float32Array(whole.length);
    let o = 0;
    for (const p of parts) {
      joined.set(p, o);
      o += p.length;
    }
    expect(o).toBe(whole.length);
    expect(joined).toEqual(whole);
  });
});

describe('the WAV writer', () => {
  it('round-trips 16-bit, 24-bit and float audio exactly through the decoder', () => {
    const n = 1000;
    const left = new Float32Array(n);
    const right = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      left[i] = Math.round(Math.sin(i / 7) * 30000) / 32768;
      right[i] = Math.round(Math.cos(i / 5) * 8000000) / 8388608;
    }
    for (const encoding of ['pcm16', 'pcm24', 'float32'] as const) {
      const channels = encoding === 'pcm16' ? [left, left] : [left, right];
      const back = decodeWavBytes(encodeWav(channels, 22050, encoding));
      expect(back.sampleRateHz).toBe(22050);
      expect(back.channels[0]).toEqual(channels[0]);
      expect(back.channels[1]).toEqual(channels[1]);
    }
  });

  it('clamps out-of-range samples and writes NaN as 0', () => {
    const back = decodeWavBytes(encodeWav([new Float32Array([1.5, -2, NaN])], 8000, 'pcm16'));
    expect(Array.from(back.channels[0])).toEqual([32767 / 32768, -1, 0]);
  });
});
