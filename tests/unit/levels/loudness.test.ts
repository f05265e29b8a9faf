import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLoudness, defaultChannelWeights, kWeightingCoefficients } from '../../../src/core/levels/loudness';
import { randomSizes, readWav, rng, runChunked, sine, speechFixtures, wavBytes } from './signals';

const loud = (channels: Float32Array[], fs: number, sizes = [4096], weights?: number[]) =>
  runChunked(createLoudness(fs, channels.length, weights ? { channelWeights: weights } : {}), channels, sizes);

/** |H(e^{jω})|² of the two K-weighting biquads at f Hz. */
function kGain2(fs: number, f: number): number {
  const { shelf, highPass } = kWeightingCoefficients(fs);
  const w = (2 * Math.PI * f) / fs;
  const mag2 = ([b0, b1, b2, a1, a2]: number[]): number => {
    const re = (c0: number, c1: number, c2: number) => c0 + c1 * Math.cos(w) + c2 * Math.cos(2 * w);
    const im = (c1: number, c2: number) => -(c1 * Math.sin(w) + c2 * Math.sin(2 * w));
    const num = re(b0, b1, b2) ** 2 + im(b1, b2) ** 2;
    const den = re(1, a1, a2) ** 2 + im(a1, a2) ** 2;
    return num / den;
  };
  return mag2(shelf) * mag2(highPass);
}

const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('BS.1770-4 integrated loudness', () => {
  it('derives the K-weighting filters of BS.1770-4 Tables 1 and 2 at 48 kHz', () => {
    const { shelf, highPass } = kWeightingCoefficients(48000);
    const table1 = [1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241, 0.73248077421585];
    const table2 = [1, -2, 1, -1.99004745483398, 0.99007225036621];
    shelf.forEach((v, i) => expect(v).toBeCloseTo(table1[i], 10));
    highPass.forEach((v, i) => expect(v).toBeCloseTo(table2[i], 10));
  });

  it('reads the BS.1770 calibration: a 0 dBFS 997 Hz sine in one channel is −3.01 LUFS, in both 0.00', () => {
    const x = sine(48000, 5, 1, 997);
    expect(loud([x], 48000).integratedLufs).toBeCloseTo(-3.01, 2);
    expect(loud([x, x], 48000).integratedLufs).toBeCloseTo(0, 2);
  });

  it('reads any sine at −0.691 + 10·log10(A²/2·|K(f)|²) at any sample rate', () => {
    for (const fs of [8000, 11025, 16000, 22050, 44100, 48000, 96000]) {
      for (const f of [100, 997, 3000]) {
        const A = 0.25;
        const r = loud([sine(fs, 5, A, f)], fs);
        const expected = -0.691 + 10 * Math.log10(((A * A) / 2) * kGain2(fs, f));
        expect(Math.abs(r.integratedLufs! - expected), `${f} Hz @ ${fs}`).toBeLessThan(0.01);
      }
    }
  });

  it('weights 5.1 surrounds by 1.41 (+1.49 dB) and leaves the LFE out', () => {
    expect(defaultChannelWeights(1)).toEqual([1]);
    expect(defaultChannelWeights(2)).toEqual([1, 1]);
    expect(defaultChannelWeights(5)).toEqual([1, 1, 1, 1.41, 1.41]);
    expect(defaultChannelWeights(6)).toEqual([1, 1, 1, 0, 1.41, 1.41]);
    const fs = 48000;
    const x = sine(fs, 3, 0.1, 997);
    const z = new Float32Array(x.length);
    const inL = loud([x, z, z, z, z, z], fs).integratedLufs!;
    const inLs = loud([z, z, z, z, x, z], fs).integratedLufs!;
    expect(inLs - inL).toBeCloseTo(10 * Math.log10(1.41), 6);
    expect(loud([z, z, z, x, z, z], fs).integratedLufs).toBeNull();
    expect(loud([z, z, z, x, z, z], fs, [4096], [1, 1, 1, 1, 1, 1]).integratedLufs).toBeCloseTo(inL, 6);
  });

  it('gates: silence is below the absolute gate, a part 20 dB quieter is below the relative gate', () => {
    const fs = 16000;
    const tone = sine(fs, 10, 0.1, 997);
    const alone = loud([tone], fs).integratedLufs!;
    // Either way the 97 full blocks of the tone pass, plus the 3 blocks straddling the step
    // (3/4, 1/2 and 1/4 tone); the blocks after it do not.
    const straddled = (quietPower: number) => 10 * Math.log10((97 + 1.5 + 1.5 * quietPower) / 100);
    const withSilence = new Float32Array(tone.length * 2);
    withSilence.set(tone);
    expect(loud([withSilence], fs).integratedLufs!).toBeCloseTo(alone + straddled(0), 3);
    const withQuiet = new Float32Array(tone.length * 2);
    withQuiet.set(tone);
    withQuiet.set(sine(fs, 10, 0.01, 997), tone.length);
    const r = loud([withQuiet], fs);
    expect(r.integratedLufs!).toBeCloseTo(alone + straddled(0.01), 3);
    expect(r.gatedBlockCount).toBe(100);
    // Relative gate: 10 LU below the mean power of all 197 blocks (the tone's 98.5 + 0.01 × 98.5).
    expect(r.relativeGateLufs!).toBeCloseTo(alone + 10 * Math.log10((98.5 * 1.01) / 197) - 10, 3);
    expect(r.blockCount).toBe(197);
  });

  it('gives null below 400 ms and for digital silence', () => {
    expect(loud([sine(16000, 0.39, 0.5, 997)], 16000)).toMatchObject({ integratedLufs: null, blockCount: 0, maxMomentaryLufs: null });
    expect(loud([new Float32Array(32000)], 16000)).toMatchObject({ integratedLufs: null, blockCount: 17, maxMomentaryLufs: null });
  });

  it('gives the same result for any chunking', () => {
    const w = readWav(speechFixtures()[1]);
    const ref = loud(w.channels, w.sampleRateHz, [w.channels[0].length]);
    for (const seed of [1, 2, 3]) {
      const r = loud(w.channels, w.sampleRateHz, randomSizes(seed, 300, 900));
      expect(r.integratedLufs!).toBeCloseTo(ref.integratedLufs!, 9);
      expect(r.blockCount).toBe(ref.blockCount);
    }
  });

  it('filters in lane stretches that give the one-pass filter\'s sub-block sums, for any chunking and channel count', () => {
    // A plain one-pass direct-form-I K-weighting in float64: Σ_c G_c·Σz² per 100 ms sub-block.
    const onePass = (channels: Float32Array[], fs: number, weights: number[], skip = 0): Float64Array => {
      const { shelf: [b0, b1, b2, a1, a2], highPass: [, , , d1, d2] } = kWeightingCoefficients(fs);
      const subLen = Math.round(fs / 10);
      const subs = new Float64Array(Math.floor((channels[0].length - skip) / subLen));
      channels.forEach((x, c) => {
        let x1 = 0, x2 = 0, y1 = 0, y2 = 0, z1 = 0, z2 = 0;
        for (let i = 0; i < skip + subs.length * subLen; i++) {
          const v = Number.isFinite(x[i]) ? x[i] : 0;
          const y = b0 * v + b1 * x1 + b2 * x2 - a2 * y2 - a1 * y1;
          const z = y + -(y1 + y1) + y2 - d2 * z2 - d1 * z1;
          [x2, x1, y2, y1, z2, z1] = [x1, v, y1, y, z1, z];
          if (i >= skip) subs[Math.floor((i - skip) / subLen)] += weights[c] * z * z;
        }
      });
      return subs;
    };
    const r = rng(7);
    for (const [fs, C, seconds] of [[16000, 1, 21.3], [48000, 2, 13.7], [8000, 3, 9.05], [22050, 6, 5]] as const) {
      // Noise with a DC step and a low hum (the slowest parts of the filters' memory), and a NaN.
      const channels = Array.from({ length: C }, (_, c) =>
        Float32Array.from({ length: Math.round(seconds * fs) }, (_, i) => (r() - 0.5) * 0.3 + (i > fs * 3.3 ? 0.2 : 0) + 0.1 * Math.sin((2 * Math.PI * 50 * i) / fs + c)),
      );
      channels[0][Math.round(fs * 4.2)] = Number.NaN;
      const weights = defaultChannelWeights(C);
      const ref = onePass(channels, fs, weights);
      const whole = createLoudness(fs, C);
      whole.push(channels);
      const got = whole.partial().subBlocks;
      expect(got.length).toBe(ref.length);
      for (let s = 0; s < ref.length; s++) expect(Math.abs(got[s] - ref[s]) / ref[s], `${fs} Hz ×${C}, sub-block ${s}`).toBeLessThan(1e-12);
      // Chunked any way, the same bits.
      for (const seed of [1, 2]) {
        const acc = createLoudness(fs, C);
        const sizes = randomSizes(seed, 200, Math.round(fs * 0.7));
        for (let i = 0, k = 0; i < channels[0].length; k++) {
          const end = Math.min(channels[0].length, i + sizes[k % sizes.length]);
          acc.push(channels.map((x) => x.subarray(i, end)));
          i = end;
        }
        expect(Array.from(acc.partial().subBlocks)).toEqual(Array.from(got));
      }
      // A segment pushed with a lead-in: sums from its start on.
      const lead = Math.round(fs * 2);
      const seg = createLoudness(fs, C, {}, lead);
      seg.push(channels);
      const segRef = onePass(channels, fs, weights, lead);
      const segGot = seg.partial().subBlocks;
      expect(segGot.length).toBe(segRef.length);
      for (let s = 0; s < segRef.length; s++) expect(Math.abs(segGot[s] - segRef[s]) / segRef[s]).toBeLessThan(1e-12);
    }
  });

  it.skipIf(!hasFfmpeg)('agrees with ffmpeg ebur128 within 0.1 LU on sines and real speech', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loudness-'));
    try {
      const cases: Array<[string, Float32Array[], number]> = [];
      for (const fs of [8000, 16000, 44100, 48000]) {
        cases.push([`997 Hz stereo @${fs}`, [sine(fs, 4, 0.1, 997), sine(fs, 4, 0.05, 997)], fs]);
        cases.push([`100 Hz @${fs}`, [sine(fs, 4, 0.3, 100)], fs]);
      }
      for (const f of speechFixtures()) {
        const w = readWav(f);
        cases.push([f, w.channels, w.sampleRateHz]);
      }
      for (const [name, channels, fs] of cases) {
        const wav = join(dir, 'x.wav');
        const meta = join(dir, 'm.txt');
        writeFileSync(wav, wavBytes(channels, fs, 'float32'));
        execFileSync('ffmpeg', ['-hide_banner', '-nostats', '-loglevel', 'error', '-y', '-i', wav, '-af',
          `ebur128=metadata=1,ametadata=mode=print:key=lavfi.r128.I:file=${meta}`, '-f', 'null', '-']);
        const lines = readFileSync(meta, 'utf8').trim().split('\n');
        const ffmpegLufs = Number(lines[lines.length - 1].split('=')[1]);
        expect(Math.abs(loud(channels, fs).integratedLufs! - ffmpegLufs), name).toBeLessThan(0.1);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
