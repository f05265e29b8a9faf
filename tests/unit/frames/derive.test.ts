import { describe, expect, it } from 'vitest';
import { createFrameMeasurements, deriveFrameMeasurements } from '../../../src/core/frames/derive';
import { createWadaSnr } from '../../../src/core/snr/wada';
import { DEFAULT_VAD_SETTINGS } from '../../../src/core/vad/defaults';
import { add, randomChunks, scaled, speechInSilence, table, whiteNoise } from './signals';

describe('deriveFrameMeasurements', () => {
  const s = speechInSilence('speech/librivox/sense_and_sensibility_01_austen_64kb-0890.wav', 1, 1);
  const noisy = add(s.samples, scaled(whiteNoise(s.samples.length, 9), 0.003));

  it('returns every frame-level summary, consistent with each other', () => {
    const t = table([noisy], s.sampleRateHz);
    const m = deriveFrameMeasurements(t, {}, {}, { digitalSilenceRatio: 0.25, wadaDb: 12.5 });
    expect(m.vad.engine).toBe('builtin');
    expect(m.vad.settings).toEqual(DEFAULT_VAD_SETTINGS);
    expect(m.vad.frameSec).toBeCloseTo(0.01, 12);
    expect(m.frameDecisions).toHaveLength(t.frameCount);
    expect(m.vad.segments.length).toBeGreaterThan(0);
    expect(m.vad.firstSpeechSec).toBeGreaterThan(0.8);
    expect(m.vad.lastSpeechEndSec).toBeLessThan(t.sampleCount / t.sampleRateHz - 0.8);
    expect(m.snr.wadaDb).toBe(12.5);
    expect(m.snr.db).toBeGreaterThan(10);
    expect(m.silence.digitalSilenceRatio).toBe(0.25);
    expect(m.bandwidth.effectiveHz).toBeGreaterThan(3000);
    expect(m.layout.kind).toBe('mono');
    const speechFrames = m.frameDecisions.reduce((a, d) => a + d, 0);
    expect(m.vad.speechRatio).toBeCloseTo((speechFrames * t.hopSamples) / t.sampleCount, 2);
  });

  it('passes VAD settings through', () => {
    const t = table([noisy], s.sampleRateHz);
    const m = deriveFrameMeasurements(t, { padSec: 0.2, minSilenceSec: 1 });
    expect(m.vad.settings.padSec).toBe(0.2);
    expect(m.vad.settings.minSilenceSec).toBe(1);
  });

  it('gives the same summaries however the audio was chunked', () => {
    const whole = deriveFrameMeasurements(table([noisy, scaled(noisy, 0.5)], s.sampleRateHz));
    for (const seed of [5, 6]) {
      const chunked = deriveFrameMeasurements(table([noisy, scaled(noisy, 0.5)], s.sampleRateHz, randomChunks(seed, 50, 4096)));
      expect(chunked.vad).toEqual(whole.vad);
      expect(chunked.snr).toEqual(whole.snr);
      expect(chunked.silence).toEqual(whole.silence);
      expect(chunked.bandwidth).toEqual(whole.bandwidth);
      expect(chunked.layout).toEqual(whole.layout);
    }
  });

  it('createFrameMeasurements streams the frame pass and WADA together', () => {
    const acc = createFrameMeasurements(s.sampleRateHz, 1, { vad: { padSec: 0.1 } });
    for (let pos = 0; pos < noisy.length; pos += 3000) acc.push([noisy.subarray(pos, pos + 3000)]);
    const m = acc.finish();
    const wada = createWadaSnr(1);
    wada.push([noisy]);
    expect(m.snr.wadaDb).toBe(wada.finish().snrDb);
    expect(m.vad).toEqual(deriveFrameMeasurements(table([noisy], s.sampleRateHz), { padSec: 0.1 }).vad);
    expect(m.table.frameCount).toBe(Math.ceil(noisy.length / m.table.hopSamples));
  });

  it('handles empty input', () => {
    const m = deriveFrameMeasurements(table([new Float32Array(0)], 16000));
    expect(m.vad.segments).toEqual([]);
    expect(m.vad.speechRatio).toBe(0);
    expect(m.snr.db).toBeNull();
    expect(m.bandwidth.effectiveHz).toBeNull();
  });
});
