import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzePcm } from '../../../src/core/analyze';
import { buildSummary } from '../../../src/core/summary/build';
import { validateSummary } from '../../../src/core/summary/validate';
import type { ContainerProbe } from '../../../src/core/types';
import { generateValidatorSource } from '../../../scripts/gen-validator';

const probe: ContainerProbe = {
  container: 'wav', codec: 'pcm-s16', sampleRateHz: 16000, decodedSampleRateHz: 16000,
  channels: 1, bitDepth: 16, durationSec: 1, bytes: 32044,
};

function sine(freqHz: number, amplitude: number, sampleRateHz: number, seconds: number): Float32Array {
  const x = new Float32Array(Math.round(sampleRateHz * seconds));
  for (let i = 0; i < x.length; i++) x[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / sampleRateHz);
  return x;
}

describe('privacy-safe summary', () => {
  const measurements = analyzePcm({ sampleRateHz: 16000, channels: [sine(440, 0.5, 16000, 1)] });

  it('validates against the schema and redacts the name by default', () => {
    const summary = buildSummary({ probe, measurements, contentHash: '0123456789abcdef', name: 'secret call.wav' });
    const result = validateSummary(summary);
    expect(result).toEqual(expect.objectContaining({ valid: true }));
    expect(summary.source.name).toBeUndefined();
    expect(JSON.stringify(summary)).not.toContain('secret');
  });

  it('keeps the name only on request', () => {
    const summary = buildSummary({ probe, measurements, contentHash: '0123456789abcdef', name: 'a.wav', keepName: true });
    expect(summary.source.name).toBe('a.wav');
  });

  it('rejects documents that break the contract', () => {
    const summary = buildSummary({ probe, measurements, contentHash: '0123456789abcdef' });
    const withSamples = { ...summary, samples: Array.from({ length: 100 }, (_, i) => i / 100) };
    expect(validateSummary(withSamples).valid).toBe(false);
    expect(validateSummary({ ...summary, source: { ...summary.source, contentHash: 'xyz' } }).valid).toBe(false);
  });

  it('holds no long numeric arrays (nothing audio could be rebuilt from)', () => {
    const summary = buildSummary({ probe, measurements, contentHash: '0123456789abcdef' });
    const json = JSON.stringify(summary);
    expect(json).not.toMatch(/\[(\s*-?[\d.e+-]+\s*,){16,}/);
  });

  it('the committed standalone validator is generated from the current schema', () => {
    const committed = readFileSync(new URL('../../../src/core/summary/summary-validator.gen.js', import.meta.url), 'utf8');
    expect(committed).toBe(generateValidatorSource());
  });
});
