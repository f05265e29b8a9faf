import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSampleStats } from '../../../src/core/levels/sample-stats';
import { createClipRanges } from '../../../src/core/levels/clip-ranges';
import {
  FIXTURES,
  alawRoundTrip,
  gain,
  hardClip,
  quantize,
  randomSizes,
  readWav,
  rng,
  runChunked,
  sine,
  speechFixtures,
  ulawRoundTrip,
} from './signals';

function stats(channels: Float32Array[], rate: number, sizes = [4096]) {
  return runChunked(createSampleStats(rate, channels.length), channels, sizes);
}

/** Speech clipped upstream (+12 dB into a ±1 clipper), turned down 6 dB, written as 16-bit. */
const flatTopped = (x: Float32Array): Float32Array => quantize(gain(hardClip(gain(x, 12)), -6), 16);

describe('full-scale clipping', () => {
  // A 1 kHz sine of amplitude 2 at 8 kHz: samples 2·sin(kπ/4) = 0, 1.41, 2, 1.41, 0, … so each
  // half period has exactly 3 samples beyond ±1 → clipped, one run of 3.
  const x = hardClip(sine(8000, 1, 2, 1000));

  it('counts clipped samples and runs of ≥ 3, for any chunking (runs span chunks)', () => {
    for (const sizes of [[4096], [1], [2], [3], randomSizes(5, 500, 40)]) {
      const s = stats([x], 8000, sizes);
      expect(s.clipping.clippedSamples).toBe(6000);
      expect(s.clipping.runs).toBe(2000);
      expect(s.clipping.ratio).toBeCloseTo(0.75, 12);
      expect(s.channels[0].clippingRatio).toBeCloseTo(0.75, 12);
      expect(s.clipping.flatTop.detected).toBe(false);
    }
  });

  it('equals the SoX peak count when every clipped sample sits on the rail (16-bit)', () => {
    const q = quantize(x, 16); // rails at 32767/32768 and −1
    const d = stats([q], 8000).channelDetails[0];
    expect(d.clippedSamples).toBe(6000);
    expect(d.peakCount).toBe(6000);
    expect(d.maxSample).toBe(32767 / 32768);
    expect(d.minSample).toBe(-1);
  });

  it('uses |x| ≥ 0.999 as the clip level and needs 3 in a row for a run', () => {
    const y = new Float32Array([0.5, 0.999, 0.9989, -0.999, -1, 1, 0.2, 0.9995, 0.9995]);
    const d = stats([y], 8000, [2]).channelDetails[0];
    expect(d.clippedSamples).toBe(6);
    expect(d.clippedRuns).toBe(1);
  });

  it('flags the generated clipped fixture', () => {
    const w = readWav(join(FIXTURES, 'generated/clipped-16k.wav'));
    const s = stats(w.channels, w.sampleRateHz);
    expect(s.clipping.clippedSamples).toBeGreaterThan(100);
    expect(s.clipping.runs).toBeGreaterThan(10);
  });
});

describe('flat tops below full scale', () => {
  it('finds the plateau of clipped-then-attenuated speech, at its level, on every fixture that clips', () => {
    let found = 0;
    for (const f of speechFixtures()) {
      const w = readWav(f);
      const x = w.channels[0];
      const clippedUpstream = stats([quantize(hardClip(gain(x, 12)), 16)], w.sampleRateHz).channelDetails[0];
      if (clippedUpstream.clippedRuns < 20) continue; // too quiet for +12 dB to clip much
      found++;
      const s = stats([flatTopped(x)], w.sampleRateHz, randomSizes(found, 100, 3000));
      const plateau = Math.round(32768 * 10 ** (-6 / 20)) / 32768; // ±1 after −6 dB, rounded to 16 bits
      expect(s.clipping.flatTop.detected, f).toBe(true);
      expect(s.clipping.flatTop.levelDbfs).toBeCloseTo(20 * Math.log10(plateau), 6);
      expect(s.clipping.flatTop.runs).toBeGreaterThanOrEqual(20);
      // The plateau holds every sample that was clipped upstream (both polarities).
      expect(s.clipping.flatTop.samples).toBeGreaterThan(0.9 * clippedUpstream.clippedSamples);
      expect(s.clipping.clippedSamples).toBe(0); // nothing near full scale any more
    }
    expect(found).toBeGreaterThanOrEqual(10);
  });

  it('also on float output (no requantisation) and in one channel of a stereo file', () => {
    const w = readWav(speechFixtures()[0]);
    const y = gain(hardClip(gain(w.channels[0], 12)), -10);
    const s = stats([w.channels[0], y], w.sampleRateHz);
    expect(s.channelDetails[0].flatTop.detected).toBe(false);
    expect(s.channelDetails[1].flatTop.detected).toBe(true);
    expect(s.clipping.flatTop.detected).toBe(true);
    expect(s.clipping.flatTop.levelDbfs).toBeCloseTo(-10, 4);
    expect(s.clipping.flatTop.samples).toBe(s.channelDetails[1].flatTop.samples);
  });

  it('is not reported for full-scale clipping (that is clipping) ', () => {
    const w = readWav(speechFixtures()[0]);
    const s = stats([quantize(hardClip(gain(w.channels[0], 12)), 16)], w.sampleRateHz);
    expect(s.clipping.clippedSamples).toBeGreaterThan(100);
    expect(s.clipping.flatTop.detected).toBe(false);
  });

  it('does not fire on clean, µ-law, A-law, 8-bit or quiet speech', () => {
    for (const f of speechFixtures()) {
      const w = readWav(f);
      const x = w.channels[0];
      const variants: Record<string, Float32Array> = {
        clean: x,
        ulaw: ulawRoundTrip(x),
        alaw: alawRoundTrip(x),
        '8-bit': quantize(x, 8),
        '8-bit −20 dB': quantize(gain(x, -20), 8),
        '8-bit −30 dB': quantize(gain(x, -30), 8),
        '16-bit −40 dB': quantize(gain(x, -40), 16),
        'µ-law −20 dB': ulawRoundTrip(gain(x, -20)),
      };
      for (const [name, y] of Object.entries(variants)) {
        const s = stats([y], w.sampleRateHz);
        expect(s.clipping.flatTop.detected, `${f} ${name}`).toBe(false);
      }
    }
    const u = readWav(join(FIXTURES, 'generated/telephony-8k-ulaw.wav'));
    expect(stats(u.channels, u.sampleRateHz).clipping.flatTop.detected).toBe(false);
  });

  it('does not fire on sines, even slow ones whose quantised crests repeat for several samples', () => {
    for (const rate of [8000, 48000]) {
      for (const f of [20, 50, 100, 997, 1000]) {
        for (const amp of [0.5, 0.05]) {
          const x = sine(rate, 3, amp, f, 0.1);
          for (const [name, y] of Object.entries({ float: x, '16-bit': quantize(x, 16), '8-bit': quantize(x, 8), ulaw: ulawRoundTrip(x) })) {
            expect(stats([y], rate).clipping.flatTop.detected, `${f} Hz @ ${rate} amp ${amp} ${name}`).toBe(false);
          }
        }
      }
    }
  });

  it('does not fire on ±1 LSB noise (near-silent 16-bit) or on digital silence with a DC step', () => {
    const r = rng(3);
    const noise = new Float32Array(48000).map(() => Math.round((r() - 0.5) * 2.2) / 32768);
    expect(stats([noise], 48000).clipping.flatTop.detected).toBe(false);
    const dc = new Float32Array(48000).fill(0.2, 0, 24000);
    expect(stats([dc], 48000).clipping.flatTop.detected).toBe(false);
  });
});

describe('clip ranges', () => {
  it('are the same however a stereo file is cut into chunks (runs of both channels interleave)', () => {
    // Two channels clipping at staggered times: left runs every 30 ms, right runs 20 ms after
    // each left one, some long enough to cross any chunk boundary.
    const rate = 16000;
    const left = new Float32Array(rate * 4);
    const right = new Float32Array(rate * 4);
    const r = rng(7);
    for (let t = 800; t < left.length - 2000; t += 480 + Math.floor(r() * 3000)) {
      left.fill(1, t, t + 3 + Math.floor(r() * 40));
      right.fill(-1, t + 320, t + 323 + Math.floor(r() * 400));
    }
    const ranges = (sizes: number[]) => runChunked(createClipRanges(rate, 2), [left, right], sizes);
    const whole = ranges([left.length]);
    expect(whole.length).toBeGreaterThan(10);
    for (let seed = 1; seed <= 5; seed++) expect(ranges(randomSizes(seed, 40, 5000))).toEqual(whole);
    expect(ranges([1])).toEqual(whole);
  });
});
