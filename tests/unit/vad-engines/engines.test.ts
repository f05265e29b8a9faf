/**
 * The three VAD engines on real speech (LibriVox prompts separated by exact digital silence, see
 * labelled.ts), through the Node loaders the CLI and the sweep use.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNodeEngines } from '../../../src/node/vad-engines';
import type { VadEngine, VadEngineId, VadEngineResult } from '../../../src/core/vad-engines/types';
import { resampleChannel } from '../../../src/core/dsp/resample';
import { whiteNoise } from '../../../src/core/dsp/noise';
import type { PcmAudio } from '../../../src/core/types';
import { frameScore, labelled, type Labelled } from '../../../scripts/eval/engine-labels';

let engines: Record<VadEngineId, VadEngine>;

beforeAll(async () => {
  const list = await loadNodeEngines();
  expect(list.map((e) => e.id)).toEqual(['builtin', 'webrtc', 'silero']);
  engines = Object.fromEntries(list.map((e) => [e.id, e])) as Record<VadEngineId, VadEngine>;
}, 60_000);

const audioOf = (l: Labelled): PcmAudio => ({ sampleRateHz: l.cell.sampleRateHz, channels: [l.cell.samples] });

/** The collar is what the engine itself may move an edge by: one hop plus its padding. */
const score = (l: Labelled, r: VadEngineResult) => frameScore(l, r.segments, r.frameSec + r.settings.padSec);

const ids: VadEngineId[] = ['builtin', 'webrtc', 'silero'];

describe.each(ids)('%s engine on labelled speech', (id) => {
  const cells = [
    { name: 'clean, −6 dB', gainDb: -6, noise: 'none', snrDb: null },
    { name: 'clean, −30 dB (quiet speaker)', gainDb: -30, noise: 'none', snrDb: null },
    { name: 'pink noise 10 dB, −18 dB', gainDb: -18, noise: 'pink', snrDb: 10 },
    { name: 'white noise 10 dB, −18 dB', gainDb: -18, noise: 'white', snrDb: 10 },
  ] as const;

  it.each(cells)('$name: frame F1 ≥ 0.95 outside the ambiguous prompt edges', async ({ gainDb, noise, snrDb }) => {
    const l = labelled(gainDb, noise, snrDb);
    const r = await engines[id].run(audioOf(l));
    const s = score(l, r);
    // Most of the file is scored: the ambiguous zones are the prompts' own lead-ins and tails.
    expect(s.scoredFrames).toBeGreaterThan(0.8 * (l.durationSec / 0.01));
    expect(s.f1).toBeGreaterThanOrEqual(0.95);
    // Noise may split a prompt at its longer pauses, never merge two prompts across their gap.
    expect(r.segments.length).toBeGreaterThanOrEqual(l.truth.length);
    expect(r.segments.length).toBeLessThanOrEqual(2 * l.truth.length);
  });

  it('reports on the input time axis, segments in order and inside the file', async () => {
    const l = labelled(-18);
    const r = await engines[id].run(audioOf(l));
    expect(r.engine).toBe(id);
    expect(Math.abs(r.probabilities.length * r.frameSec - l.durationSec)).toBeLessThan(r.frameSec + 1e-9);
    for (const p of r.probabilities) expect(p >= 0 && p <= 1).toBe(true);
    let last = 0;
    for (const s of r.segments) {
      expect(s.startSec).toBeGreaterThanOrEqual(last);
      expect(s.endSec).toBeGreaterThan(s.startSec);
      expect(s.endSec).toBeLessThanOrEqual(l.durationSec + 1e-9);
      last = s.endSec;
    }
  });

  it('finds no speech in digital silence', async () => {
    const r = await engines[id].run({ sampleRateHz: 16000, channels: [new Float32Array(16000 * 5)] });
    expect(r.segments).toEqual([]);
  });
});

describe('webrtc', () => {
  it('says no speech on digital silence, in every mode', async () => {
    for (const mode of [0, 1, 2, 3]) {
      const r = await engines.webrtc.run({ sampleRateHz: 16000, channels: [new Float32Array(16000 * 10)] }, { threshold: mode });
      expect(r.settings.threshold).toBe(mode);
      expect(r.probabilities.reduce((a, b) => a + b, 0)).toBe(0);
      expect(r.segments).toEqual([]);
    }
  });

  it('says no speech on −70 dBFS white noise once its noise model has started (first 0.15 s)', async () => {
    const noise = whiteNoise(16000 * 10, 5);
    let sq = 0;
    for (const x of noise) sq += x * x;
    const k = 10 ** (-70 / 20) / Math.sqrt(sq / noise.length);
    for (let i = 0; i < noise.length; i++) noise[i] = Math.round(noise[i] * k * 32768) / 32768;
    for (const mode of [0, 1, 2, 3]) {
      const r = await engines.webrtc.run({ sampleRateHz: 16000, channels: [noise] }, { threshold: mode });
      const afterStart = r.probabilities.subarray(Math.round(0.15 / r.frameSec));
      expect(afterStart.reduce((a, b) => a + b, 0)).toBe(0);
      // libfvad's start-up: modes 0 and 1 call the first ~110 ms speech; the default mode (2) does not.
      if (mode >= 2) expect(r.segments).toEqual([]);
    }
  });

  it('takes 10, 20 and 30 ms frames', async () => {
    const { createWebrtcEngine } = await import('../../../src/core/vad-engines/webrtc');
    const { loadFvadNode } = await import('../../../src/node/vad-engines');
    const l = labelled(-18);
    for (const frameMs of [10, 20, 30] as const) {
      const r = await createWebrtcEngine(loadFvadNode, { frameMs }).run(audioOf(l));
      expect(r.frameSec).toBeCloseTo(frameMs / 1000, 9);
      expect(score(l, r).f1).toBeGreaterThanOrEqual(0.95);
    }
  });
});

describe('silero', () => {
  it('gives probabilities in [0, 1]: high inside the labelled speech, low in the digital silence', async () => {
    const l = labelled(-18);
    const r = await engines.silero.run(audioOf(l));
    expect(r.frameSec).toBeCloseTo(0.032, 9);
    let inSpeech = 0;
    let nIn = 0;
    let inSilence = 0;
    let nOut = 0;
    r.probabilities.forEach((p, i) => {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      const a = i * r.frameSec;
      const b = a + r.frameSec;
      if (l.truth.some((t) => a >= t.startSec && b <= t.endSec)) (inSpeech += p), nIn++;
      // Far from any sound: the model's context and state cannot reach speech from here.
      if (!l.sounding.some((s) => b > s.startSec - 0.3 && a < s.endSec + 0.3)) (inSilence += p), nOut++;
    });
    expect(nIn).toBeGreaterThan(100);
    expect(nOut).toBeGreaterThan(20);
    expect(inSpeech / nIn).toBeGreaterThan(0.7);
    expect(inSilence / nOut).toBeLessThan(0.1);
  });

  it('threshold is the speech probability with Silero’s hysteresis (threshold − 0.15)', async () => {
    const l = labelled(-18);
    const strict = await engines.silero.run(audioOf(l), { threshold: 0.9 });
    const loose = await engines.silero.run(audioOf(l), { threshold: 0.2 });
    const total = (r: VadEngineResult) => r.segments.reduce((a, s) => a + s.endSec - s.startSec, 0);
    expect(strict.settings.threshold).toBe(0.9);
    expect(total(strict)).toBeLessThan(total(loose));
  });
});

describe('resampling path: other rates come back on the input time axis', () => {
  it.each([8000, 48000, 44100])('%i Hz input: webrtc and silero segments match the 16 kHz run within 3 hops', async (rateHz) => {
    const l = labelled(-18);
    const at = (x: Float32Array): PcmAudio => ({ sampleRateHz: rateHz, channels: [resampleChannel(x, 16000, rateHz)] });
    for (const id of ['webrtc', 'silero'] as const) {
      const ref = await engines[id].run(audioOf(l));
      const r = await engines[id].run(at(l.cell.samples));
      expect(Math.abs(r.probabilities.length * r.frameSec - l.durationSec)).toBeLessThan(r.frameSec + 1e-3);
      expect(r.segments.length).toBe(ref.segments.length);
      r.segments.forEach((s, i) => {
        expect(Math.abs(s.startSec - ref.segments[i].startSec)).toBeLessThanOrEqual(3 * r.frameSec + 1e-9);
        expect(Math.abs(s.endSec - ref.segments[i].endSec)).toBeLessThanOrEqual(3 * r.frameSec + 1e-9);
      });
      expect(score(l, r).f1).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('stereo input is mixed down (both channels carrying the speech give the mono result)', async () => {
    const l = labelled(-18);
    const x = l.cell.samples;
    for (const id of ['webrtc', 'silero'] as const) {
      const mono = await engines[id].run(audioOf(l));
      const stereo = await engines[id].run({ sampleRateHz: 16000, channels: [x, x] });
      expect(stereo.segments).toEqual(mono.segments);
    }
  });
});

describe('builtin engine is the analysis VAD', () => {
  it('gives the same segments as analyzePcm (what the CLI reports)', async () => {
    const { analyzePcm } = await import('../../../src/core/analyze');
    const l = labelled(-18, 'pink', 10);
    const r = await engines.builtin.run(audioOf(l));
    const m = analyzePcm(audioOf(l));
    expect(r.segments).toEqual(m.vad.segments);
    const custom = { threshold: 0.6, minSpeechSec: 0.2, minSilenceSec: 0.5, padSec: 0.1 };
    const r2 = await engines.builtin.run(audioOf(l), custom);
    const m2 = analyzePcm(audioOf(l), { vad: custom });
    expect(r2.segments).toEqual(m2.vad.segments);
    expect(r2.settings).toEqual(custom);
  });
});

describe('compareRows', () => {
  it('finds where rows disagree and which row stands alone', async () => {
    const { compareRows, rowSummary } = await import('../../../src/core/vad-engines/compare');
    const a = [{ startSec: 1, endSec: 3 }];
    const b = [{ startSec: 1, endSec: 3 }];
    const c = [{ startSec: 0.5, endSec: 3 }];
    const d = compareRows([a, b, c], 4);
    expect(d.ranges).toHaveLength(1);
    expect(d.ranges[0].startSec).toBeCloseTo(0.5, 6);
    expect(d.ranges[0].endSec).toBeCloseTo(1, 6);
    expect(d.ratio).toBeCloseTo(0.5 / 4, 6);
    expect(d.alone[0]).toEqual([]);
    expect(d.aloneSec[2]).toBeCloseTo(0.5, 6);
    expect(compareRows([a, b], 4).ranges).toEqual([]);
    expect(rowSummary(c, 4)).toEqual({ speechSec: 2.5, speechRatio: 0.625, firstOnsetSec: 0.5, segmentCount: 1 });
  });
});
