import { describe, expect, it } from 'vitest';
import { channelLayout } from '../../../src/core/layout/layout';
import { deriveFrameMeasurements } from '../../../src/core/frames/derive';
import { scaled, speechInSilence, table, whiteNoise } from '../frames/signals';

const speech = speechInSilence('speech/librivox/sense_and_sensibility_01_austen_64kb-0880.wav', 0.5, 0.5);
const sr = speech.sampleRateHz;
const x = speech.samples;
const layoutOf = (chans: Float32Array[]) => deriveFrameMeasurements(table(chans, sr)).layout;

describe('channel layout', () => {
  it('mono', () => {
    const l = layoutOf([x]);
    expect(l).toEqual({ kind: 'mono', interChannelCorrelation: null, levelDifferenceDb: null, deadChannels: [], monoDownmixDeltaDb: null });
  });

  it('dual mono: correlation 1, no level difference, downmix 0 dB', () => {
    const l = layoutOf([x, x]);
    expect(l.kind).toBe('dual-mono');
    expect(l.interChannelCorrelation).toBeCloseTo(1, 6);
    expect(l.levelDifferenceDb).toBeCloseTo(0, 6);
    expect(l.monoDownmixDeltaDb).toBeCloseTo(0, 6);
  });

  it('dual mono at different gains keeps correlation 1 and reports the gain', () => {
    const l = layoutOf([x, scaled(x, 0.5)]);
    expect(l.kind).toBe('dual-mono');
    expect(l.levelDifferenceDb).toBeCloseTo(20 * Math.log10(2), 3);
  });

  it('phase inverted: correlation −1, the downmix cancels completely (−∞ dB → null)', () => {
    const l = layoutOf([x, scaled(x, -1)]);
    expect(l.kind).toBe('phase-inverted');
    expect(l.interChannelCorrelation).toBeCloseTo(-1, 6);
    expect(l.monoDownmixDeltaDb).toBeNull();
  });

  it('dead channel: one channel of digital silence or below −90 dBFS', () => {
    const silent = layoutOf([x, new Float32Array(x.length)]);
    expect(silent.kind).toBe('dead-channel');
    expect(silent.deadChannels).toEqual([1]);
    expect(silent.interChannelCorrelation).toBeNull();
    expect(silent.monoDownmixDeltaDb).toBeCloseTo(20 * Math.log10(0.5), 3);
    const hiss = layoutOf([scaled(whiteNoise(x.length, 1), 10 ** (-100 / 20)), x]);
    expect(hiss.kind).toBe('dead-channel');
    expect(hiss.deadChannels).toEqual([0]);
  });

  it('independent channels: stereo, correlation ≈ 0, downmix −3 dB', () => {
    const n = scaled(whiteNoise(x.length, 2), 0.05);
    const l = layoutOf([n, scaled(whiteNoise(x.length, 3), 0.05)]);
    expect(l.kind).toBe('stereo');
    expect(Math.abs(l.interChannelCorrelation as number)).toBeLessThan(0.02);
    expect(l.monoDownmixDeltaDb).toBeCloseTo(-3, 0);
  });

  it('more than two channels: multichannel, still measuring channels 0/1 and dead channels', () => {
    const l = layoutOf([x, x, new Float32Array(x.length)]);
    expect(l.kind).toBe('multichannel');
    expect(l.interChannelCorrelation).toBeCloseTo(1, 6);
    expect(l.deadChannels).toEqual([2]);
  });

  it('uses active frames only: a shared pause of noise does not dilute the correlation', () => {
    // Speech identical in both channels, independent noise in the pauses (and under the speech).
    const n0 = scaled(whiteNoise(x.length, 4), 1e-4);
    const n1 = scaled(whiteNoise(x.length, 5), 1e-4);
    const a = new Float32Array(x.length);
    const b = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      a[i] = x[i] + n0[i];
      b[i] = x[i] + n1[i];
    }
    const t = table([a, b], sr);
    const active = deriveFrameMeasurements(t).frameDecisions;
    expect(channelLayout(t, active).interChannelCorrelation).toBeGreaterThan(0.9995);
  });
});
