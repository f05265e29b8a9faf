import { describe, expect, it } from 'vitest';
import { silenceRatio } from '../../../src/core/silence/silence';
import { deriveFrameMeasurements } from '../../../src/core/frames/derive';
import { add, scaled, table, toneBursts, whiteNoise } from '../frames/signals';

describe('silence ratio', () => {
  it('counts 20 ms frames 40 dB under the speech level: tone bursts in digital silence', () => {
    const sr = 16000;
    // 2 s of tone in 5 s: 3 s of silence, i.e. 150 of 250 frames of 20 ms.
    const m = deriveFrameMeasurements(table([toneBursts(sr, 5, [[1, 2], [3, 4]], 1000, 0.5)], sr));
    expect(m.silence.frameSec).toBeCloseTo(0.02, 12);
    expect(m.silence.ratio).toBeCloseTo(150 / 250, 2);
    expect(m.silence.thresholdDbfs).toBeCloseTo((m.snr.speechDbfs as number) - 40, 9);
  });

  it('pauses with noise 30 dB under the speech are not silence; 50 dB under, they are', () => {
    const sr = 16000;
    const tone = toneBursts(sr, 5, [[1, 2], [3, 4]], 1000, 0.5); // power 0.125
    for (const [rel, expected] of [
      [-30, 0],
      [-50, 0.6],
    ] as const) {
      const sigma = Math.sqrt(0.125 * 10 ** (rel / 10));
      const m = deriveFrameMeasurements(table([add(tone, scaled(whiteNoise(tone.length, 1), sigma))], sr));
      expect(m.silence.ratio).toBeCloseTo(expected, 1);
    }
  });

  it('noise alone is not silence; digital silence alone is all silence with no threshold', () => {
    const sr = 8000;
    const noise = deriveFrameMeasurements(table([scaled(whiteNoise(sr * 5, 2), 0.01)], sr));
    expect(noise.silence.ratio).toBe(0);
    // Reference = 95th percentile of 20 ms levels of −40 dBFS noise: about 1 dB above −40.
    expect(Math.abs((noise.silence.thresholdDbfs as number) - (-40 - 40))).toBeLessThan(1.5);
    const zero = silenceRatio(table([new Float32Array(sr)], sr), null, 1);
    expect(zero).toEqual({ ratio: 1, digitalSilenceRatio: 1, thresholdDbfs: null, frameSec: 0.02 });
  });
});
