import { describe, expect, it } from 'vitest';
import { runVad } from '../../../src/core/vad/vad';
import { DEFAULT_VAD_SETTINGS, resolveVadSettings } from '../../../src/core/vad/defaults';
import { framesFromSegments, segmentsFromFrames } from '../../../src/core/vad/segments';
import { add, pinkNoise, scaled, speechInSilence, table, toneBursts, whiteNoise } from '../frames/signals';

const PAD = DEFAULT_VAD_SETTINGS.padSec;

describe('segment rules', () => {
  const hop = 0.01;
  const flags = (s: string): Uint8Array => Uint8Array.from(s, (ch) => (ch === '1' ? 1 : 0));
  it('bridges short pauses, then drops short bursts, then pads', () => {
    // 1 s of frames: burst 10–40, pause 40–60 (0.2 s), burst 60–90, lone 5-frame blip at 95.
    const f = new Uint8Array(120);
    f.fill(1, 10, 40);
    f.fill(1, 60, 90);
    f.fill(1, 95, 100);
    const segs = segmentsFromFrames(f, hop, 1.2, { minSpeechSec: 0.1, minSilenceSec: 0.3, padSec: 0.05 });
    // 0.2 s pause < 0.3 s: bridged; the blip is 0.05 s after a 0.05 s pause: bridged too.
    expect(segs).toHaveLength(1);
    expect(segs[0].startSec).toBeCloseTo(0.05, 9);
    expect(segs[0].endSec).toBeCloseTo(1.05, 9);
    const apart = segmentsFromFrames(flags('0011111111110000000000000000000000000000001111111111111000'), hop, 0.58, {
      minSpeechSec: 0.1,
      minSilenceSec: 0.3,
      padSec: 0,
    });
    expect(apart.map((s) => [s.startSec, s.endSec])).toEqual([
      [0.02, 0.12],
      [0.42, 0.55],
    ]);
    const short = segmentsFromFrames(flags('0011110000'), hop, 0.1, { minSpeechSec: 0.1, minSilenceSec: 0.3, padSec: 0 });
    expect(short).toEqual([]);
  });
  it('clips padding to the file and maps segments back to frame centres', () => {
    const segs = segmentsFromFrames(flags('1110000111'), 0.01, 0.1, { minSpeechSec: 0, minSilenceSec: 0, padSec: 0.05 });
    expect(segs).toEqual([{ startSec: 0, endSec: 0.1 }]);
    expect([...framesFromSegments([{ startSec: 0.02, endSec: 0.05 }], 0.01, 8)]).toEqual([0, 0, 1, 1, 1, 0, 0, 0]);
  });
  it('resolves partial settings and clamps the threshold', () => {
    expect(resolveVadSettings({ threshold: 2 }).threshold).toBe(1);
    expect(resolveVadSettings({}).absoluteFloorDbfs).toBeNull();
  });
});

describe('runVad', () => {
  it('finds tone bursts in digital silence to within one hop plus the analysis window', () => {
    for (const sr of [8000, 16000, 48000]) {
      const bursts: Array<[number, number]> = [
        [0.5, 1.5],
        [3.0, 3.8],
      ];
      const t = table([toneBursts(sr, 5, bursts, 1000, 0.5)], sr);
      const { summary } = runVad(t);
      // Energy reaches a frame through its window (fftSize/2) and the 3-frame smoothing (1 hop).
      const tol = t.hopSec + t.fftSize / 2 / sr + 1e-9;
      expect(summary.segments).toHaveLength(2);
      summary.segments.forEach((s, k) => {
        expect(Math.abs(s.startSec - (bursts[k][0] - PAD))).toBeLessThanOrEqual(tol);
        expect(Math.abs(s.endSec - (bursts[k][1] + PAD))).toBeLessThanOrEqual(tol);
      });
      expect(summary.firstSpeechSec).toBeCloseTo(summary.segments[0].startSec, 12);
      expect(summary.leadingSilenceSec).toBeCloseTo(summary.segments[0].startSec, 12);
      expect(summary.trailingSilenceSec).toBeCloseTo(5 - summary.segments[1].endSec, 9);
      const speech = summary.segments.reduce((a, s) => a + s.endSec - s.startSec, 0);
      expect(summary.speechRatio).toBeCloseTo(speech / 5, 9);
    }
  });

  it('bridges a pause shorter than minSilenceSec and drops a burst shorter than minSpeechSec', () => {
    const sr = 16000;
    const t = table([toneBursts(sr, 5, [[0.5, 1.5], [1.7, 2.5], [3.6, 3.65]], 1000, 0.5)], sr);
    const { summary } = runVad(t);
    expect(summary.segments).toHaveLength(1);
    expect(summary.segments[0].endSec).toBeGreaterThan(2.5);
  });

  it('has hysteresis: a level between the offset and onset thresholds holds speech but does not start it', () => {
    const sr = 16000;
    const sigma = 0.01;
    // Noise power in 200–4000 Hz is Pn = σ²·3800/8000; the 3-frame noise floor sits ~1 dB under it.
    // Loud tone at Pn + 30 dB, "mid" tone at Pn + 8 dB: between the offset (≈ floor + 0.175·31 dB)
    // and onset (≈ floor + 0.35·31 dB) thresholds. Segments stay short of the 1.5 s noise window.
    const pn = (sigma * sigma * 3800) / 8000;
    const amp = (db: number): number => Math.sqrt(2 * pn * (10 ** (db / 10) - 1));
    const noise = scaled(whiteNoise(sr * 6, 8), sigma);
    const loud = toneBursts(sr, 6, [[1.0, 1.5]], 1000, amp(30));
    const mid = toneBursts(sr, 6, [[1.5, 2.0], [4.0, 4.5]], 1000, amp(8));
    const { summary } = runVad(table([add(noise, add(loud, mid))], sr));
    expect(summary.segments).toHaveLength(1);
    expect(summary.segments[0].endSec).toBeGreaterThan(2.0);
    expect(summary.segments[0].endSec).toBeLessThan(2.2);
  });

  it('calls digital silence no speech', () => {
    const { summary } = runVad(table([new Float32Array(16000 * 3)], 16000));
    expect(summary.segments).toEqual([]);
    expect(summary.speechRatio).toBe(0);
    expect(summary.firstSpeechSec).toBeNull();
    expect(summary.lastSpeechEndSec).toBeNull();
  });

  it('calls stationary noise alone (white or pink, any level) no speech', () => {
    for (const [x, sr] of [
      [scaled(whiteNoise(16000 * 20, 5), 0.1), 16000],
      [scaled(pinkNoise(8000 * 20, 6), 0.001), 8000],
      [scaled(whiteNoise(48000 * 10, 9), 1e-4), 48000],
    ] as const) {
      const { summary } = runVad(table([x], sr));
      expect(summary.speechRatio).toBeLessThanOrEqual(0.02);
    }
  });

  it('finds a tone 9 dB above white noise', () => {
    const sr = 16000;
    const sigma = 0.05;
    // Tone power A²/2 = 8σ²: 9 dB over the full-band noise, ~12 dB over the noise in 200–4000 Hz.
    const x = add(scaled(whiteNoise(sr * 10, 3), sigma), toneBursts(sr, 10, [[2, 4], [6, 7]], 1000, 4 * sigma));
    const { summary } = runVad(table([x], sr));
    expect(summary.segments).toHaveLength(2);
    expect(Math.abs(summary.segments[0].startSec - (2 - PAD))).toBeLessThan(0.05);
    expect(Math.abs(summary.segments[1].endSec - (7 + PAD))).toBeLessThan(0.1);
  });

  it('is level-relative: a quiet speaker (−36 dB) gets the same segments as at −6 dB', () => {
    const s = speechInSilence('speech/librivox/sense_and_sensibility_01_austen_64kb-0880.wav', 1, 1);
    const loud = runVad(table([scaled(s.samples, 10 ** (-6 / 20))], s.sampleRateHz)).summary;
    const quiet = runVad(table([scaled(s.samples, 10 ** (-36 / 20))], s.sampleRateHz)).summary;
    expect(loud.segments.length).toBeGreaterThan(0);
    expect(quiet.segments).toHaveLength(loud.segments.length);
    quiet.segments.forEach((q, k) => {
      expect(Math.abs(q.startSec - loud.segments[k].startSec)).toBeLessThanOrEqual(0.01 + 1e-9);
      expect(Math.abs(q.endSec - loud.segments[k].endSec)).toBeLessThanOrEqual(0.01 + 1e-9);
    });
    // The speech lies inside the fixture, after the 1 s of leading digital silence.
    expect(loud.firstSpeechSec).toBeGreaterThan(1);
  });

  it('a fixed gate (absoluteFloorDbfs) loses the quiet speaker: the drill the setting exists for', () => {
    const s = speechInSilence('speech/librivox/sense_and_sensibility_01_austen_64kb-0880.wav', 1, 1);
    const quiet = table([scaled(s.samples, 10 ** (-36 / 20))], s.sampleRateHz);
    const free = runVad(quiet).summary.speechRatio;
    const gated = runVad(quiet, { absoluteFloorDbfs: -50 }).summary.speechRatio;
    expect(free).toBeGreaterThan(0.5);
    expect(gated).toBeLessThan(free / 4);
  });

  it('detects phase-inverted stereo speech (the downmix cancels)', () => {
    const s = speechInSilence('speech/librivox/sense_and_sensibility_01_austen_64kb-0880.wav', 1, 1);
    const mono = runVad(table([s.samples], s.sampleRateHz)).summary;
    const inverted = runVad(table([s.samples, scaled(s.samples, -1)], s.sampleRateHz)).summary;
    expect(inverted.segments).toEqual(mono.segments);
  });

  it('threshold moves the decision: higher threshold, less speech', () => {
    const s = speechInSilence('speech/librivox/sense_and_sensibility_01_austen_64kb-0870.wav', 1, 1);
    const t = table([add(s.samples, scaled(whiteNoise(s.samples.length, 4), 0.01))], s.sampleRateHz);
    const ratios = [0.1, 0.35, 0.7].map((threshold) => runVad(t, { threshold }).summary.speechRatio);
    expect(ratios[0]).toBeGreaterThanOrEqual(ratios[1]);
    expect(ratios[1]).toBeGreaterThan(ratios[2]);
  });
});
