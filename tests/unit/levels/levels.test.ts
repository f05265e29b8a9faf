import { describe, expect, it } from 'vitest';
import { createLevels } from '../../../src/core/levels/levels';
import { gain, hardClip, readWav, runChunked, speechFixtures } from './signals';

describe('levels family', () => {
  it('fills the summary parts with exactly their fields', () => {
    const w = readWav(speechFixtures()[0]);
    const x = w.channels[0];
    const r = runChunked(createLevels(w.sampleRateHz, 2), [x, gain(hardClip(gain(x, 12)), -6)], [4000]);
    expect(Object.keys(r.levels).sort()).toEqual(
      [
        'activeSpeechLevelDbfs', 'crestFactor', 'dcOffset', 'integratedLoudnessLufs', 'noiseFloorDbfs', 'nonFiniteSamples',
        'peakDbfs', 'rmsDbfs', 'speechActivityRatio',
      ].sort(),
    );
    for (const ch of r.channels) {
      expect(Object.keys(ch).sort()).toEqual(
        ['clippedSamples', 'clippingRatio', 'crestFactor', 'dcOffset', 'digitalSilenceRatio', 'noiseFloorDbfs', 'peakDbfs', 'rmsDbfs'].sort(),
      );
    }
    expect(Object.keys(r.clipping).sort()).toEqual(['clippedSamples', 'flatTop', 'ratio', 'runs']);
    expect(Object.keys(r.clipping.flatTop).sort()).toEqual(['detected', 'levelDbfs', 'runs', 'samples']);
    expect(r.clipping.flatTop.detected).toBe(true);
    expect(r.levels.activeSpeechLevelDbfs).toBe(r.detail.p56.activeSpeechLevelDbfs);
    expect(r.levels.integratedLoudnessLufs).toBe(r.detail.loudness.integratedLufs);
    expect(r.levels.speechActivityRatio!).toBeGreaterThan(0.3);
    expect(r.levels.speechActivityRatio!).toBeLessThanOrEqual(1);
    // JSON-safe: no NaN or ±Infinity anywhere in the summary parts.
    const json = JSON.stringify({ levels: r.levels, channels: r.channels, clipping: r.clipping });
    expect(json).not.toMatch(/NaN|Infinity/);
  });
});
