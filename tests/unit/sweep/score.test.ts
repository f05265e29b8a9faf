import { describe, expect, it } from 'vitest';
import { applyEnergyGate } from '../../../src/core/sweep/gate';
import { assembleSequence, labelPrompt, truthFrames } from '../../../src/core/sweep/labelled-source';
import { normalizeSweepRecipe, cellName, cellRecipe } from '../../../src/core/sweep/recipe';
import { onsetDeletionSec, scoreVad } from '../../../src/core/sweep/score';

describe('sweep scoring', () => {
  const truth = { startSec: 1, endSec: 3 };

  it('leading-word deletion: late start, covered onset, nothing detected, a false alarm first', () => {
    expect(onsetDeletionSec(truth, [{ startSec: 1.25, endSec: 3 }])).toBeCloseTo(0.25, 12);
    expect(onsetDeletionSec(truth, [{ startSec: 0.5, endSec: 2 }])).toBe(0);
    expect(onsetDeletionSec(truth, [])).toBe(2);
    expect(onsetDeletionSec(truth, [{ startSec: 3, endSec: 4 }])).toBe(2); // touches the end only
    const s = scoreVad([truth], [{ startSec: 0.2, endSec: 0.4 }, { startSec: 1.5, endSec: 3 }], 4, 0.1);
    expect(s.leadingDeletionSec).toBe(0.5);
    expect(s.firstWordMissed).toBe(true);
    expect(s.firstDetectedOnsetSec).toBe(0.2);
    expect(s.segmentCount).toBe(2);
  });

  it('the tolerance decides "missed": 0.1 s late passes a 0.1 s tolerance, 0.11 s does not', () => {
    expect(scoreVad([truth], [{ startSec: 1.1, endSec: 3 }], 4, 0.1).firstWordMissed).toBe(false);
    expect(scoreVad([truth], [{ startSec: 1.11, endSec: 3 }], 4, 0.1).firstWordMissed).toBe(true);
  });

  it('frame measures over 10 ms frames have their counted values', () => {
    // truth 1–2 s (100 frames) in 3 s (300 frames); detected 1.5–2.5 s: 50 hit, 50 missed, 50 false.
    const s = scoreVad([{ startSec: 1, endSec: 2 }], [{ startSec: 1.5, endSec: 2.5 }], 3, 0.1);
    expect(s.f1).toBeCloseTo(0.5, 4);
    expect(s.missedSpeechRatio).toBeCloseTo(0.5, 4);
    expect(s.falseAlarmRatio).toBeCloseTo(50 / 200, 4);
    expect(s.worstOnsetDeletionSec).toBeCloseTo(0.5, 6);
    const perfect = scoreVad([{ startSec: 1, endSec: 2 }], [{ startSec: 1, endSec: 2 }], 3, 0.1);
    expect(perfect).toMatchObject({ f1: 1, missedSpeechRatio: 0, falseAlarmRatio: 0, leadingDeletionSec: 0, firstWordMissed: false });
  });

  it('worst onset deletion covers every utterance, not only the first', () => {
    const s = scoreVad([truth, { startSec: 5, endSec: 6 }], [{ startSec: 1, endSec: 3 }, { startSec: 5.4, endSec: 6 }], 7, 0.1);
    expect(s.leadingDeletionSec).toBe(0);
    expect(s.worstOnsetDeletionSec).toBeCloseTo(0.4, 6);
  });
});

describe('energy gate', () => {
  const rate = 16000;
  const sine = (rmsDbfs: number, sec: number): Float32Array => {
    const a = Math.SQRT2 * 10 ** (rmsDbfs / 20); // a sine of amplitude A has RMS A/√2
    return Float32Array.from({ length: rate * sec }, (_, i) => a * Math.sin((2 * Math.PI * 1000 * i) / rate));
  };

  it('zeroes 10 ms frames below the gate and keeps the ones above, untouched', () => {
    const x = new Float32Array(rate);
    x.set(sine(-30, 0.5), 0);
    x.set(sine(-50, 0.5), rate / 2);
    const y = applyEnergyGate({ sampleRateHz: rate, channels: [x] }, -40).channels[0];
    expect(Array.from(y.subarray(0, rate / 2))).toEqual(Array.from(x.subarray(0, rate / 2)));
    expect(y.subarray(rate / 2).every((v) => v === 0)).toBe(true);
    expect(x[rate / 2 + 3]).not.toBe(0); // the input is not mutated
  });

  it('null means no gate', () => {
    const a = { sampleRateHz: rate, channels: [sine(-60, 0.1)] };
    expect(applyEnergyGate(a, null)).toBe(a);
  });
});

describe('labelled source', () => {
  const rate = 8000;
  // A prompt: 0.2 s of faint room noise, 0.5 s of tone, 0.1 s of room noise. Its label is the
  // tone widened by the 50 ms smoothing (2 frames) and the 20 ms margin (2 frames): 0.16–0.74 s.
  const prompt = (name: string): ReturnType<typeof labelPrompt> => {
    const x = Float32Array.from({ length: 0.8 * rate }, (_, i) => (i % 2 ? 1e-4 : -1e-4));
    for (let i = 0.2 * rate; i < 0.7 * rate; i++) x[i] = 0.1 * Math.sin((2 * Math.PI * 440 * i) / rate);
    return labelPrompt(name, x, rate);
  };

  it('labels a prompt from its clean level, widened by the smoothing and 20 ms', () => {
    const p = prompt('a');
    expect(p.speechStart).toBe(0.16 * rate);
    expect(p.speechEnd).toBe(0.74 * rate);
  });

  it('joins prompts with seeded digital-silence gaps inside the range, labels moved with them', () => {
    const seq = assembleSequence([prompt('a'), prompt('b')], { seed: 7, gapRangeSec: [0.5, 1] });
    expect(seq.speech).toHaveLength(2);
    const gap1 = seq.speech[0].start - 0.16 * rate;
    expect(gap1).toBeGreaterThanOrEqual(0.5 * rate);
    expect(gap1).toBeLessThanOrEqual(1 * rate);
    expect(seq.samples.subarray(0, gap1).every((v) => v === 0)).toBe(true);
    expect(Math.abs(seq.samples[gap1])).toBeCloseTo(1e-4, 9); // the prompt's own room noise starts right after the gap
    expect(seq.speech[1].start - seq.speech[0].start).toBeGreaterThanOrEqual(0.8 * rate + 0.5 * rate);
    expect(assembleSequence([prompt('a'), prompt('b')], { seed: 7, gapRangeSec: [0.5, 1] }).samples).toEqual(seq.samples);
    const frames = truthFrames(seq.speech, 80, Math.floor(seq.samples.length / 80));
    expect(frames.reduce((a, b) => a + b, 0)).toBe(2 * 58); // 0.58 s per prompt = 58 frames
  });
});

describe('sweep recipes', () => {
  it('fills defaults: gains −6…−42 dB in 6 dB steps, SNR ∞/20/10/5, builtin, old gate vs new', () => {
    const n = normalizeSweepRecipe({ source: { files: ['speech/x.wav'] } });
    expect(n.ok).toBe(true);
    if (!n.ok) return;
    expect(n.recipe.gainsDb).toEqual([-6, -12, -18, -24, -30, -36, -42]);
    expect(n.recipe.snrsDb).toEqual([null, 20, 10, 5]);
    expect(n.recipe.settings.map((s) => s.name)).toEqual(['old', 'new']);
    expect(cellRecipe(n.recipe, -30, 10)).toEqual({ seed: 1, steps: [{ id: 'gain', params: { gainDb: -30 } }, { id: 'add-noise', params: { snrDb: 10, kind: 'white' } }] });
    expect(cellName(-30, null)).toBe('gain-m30db_clean');
  });

  it('names every problem of a bad recipe', () => {
    const n = normalizeSweepRecipe({ source: { files: [] }, gainsDb: [5, 'x'], engines: ['nope'], settings: [{ name: 'a b' }], toleranceSec: -1 });
    expect(n.ok).toBe(false);
    if (n.ok) return;
    expect(n.problems.join('\n')).toMatch(/source.files/);
    expect(n.problems.join('\n')).toMatch(/gainsDb\[1\]/);
    expect(n.problems.join('\n')).toMatch(/engines/);
    expect(n.problems.join('\n')).toMatch(/settings\[0\].name/);
    expect(n.problems.join('\n')).toMatch(/toleranceSec/);
    expect(normalizeSweepRecipe('nope')).toEqual({ ok: false, problems: ['the recipe must be a JSON object'] });
  });
});
