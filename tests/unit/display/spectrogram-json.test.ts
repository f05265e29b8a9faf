import { describe, expect, it } from 'vitest';
import { createSpectrogramAccumulator, planSpectrogram } from '../../../src/core/display/spectrogram';
import { spectrogramJson } from '../../../workers/spectrogram-json';

describe('spectrogramJson', () => {
  it('writes [channel][frame][bin] of 0..255, as wavesurfer.js reads it', () => {
    const sr = 8000;
    const n = 4000;
    const plan = planSpectrogram(sr, n);
    const acc = createSpectrogramAccumulator(sr, 2, plan);
    acc.push([Float32Array.from({ length: n }, (_, i) => Math.sin(i / 3)), new Float32Array(n)]);
    const s = acc.finish();
    const data = JSON.parse(spectrogramJson(s, (b) => new TextDecoder().decode(b))) as number[][][];
    expect(data.length).toBe(2);
    expect(data[0].length).toBe(s.frameCount);
    expect(data[0][0].length).toBe(s.binCount);
    expect(data[0].flat()).toEqual(Array.from(s.channels[0]));
    expect(data[1].flat().every((v) => v === 0)).toBe(true);
  });

  it('is byte for byte what JSON.stringify writes, every value 0..255 and an empty file included', () => {
    const binCount = 7;
    const frameCount = 300;
    const values = Uint8Array.from({ length: frameCount * binCount }, (_, i) => (i * 37) % 256);
    const s = { channels: [values, values.slice().reverse()], frameCount, binCount } as unknown as Parameters<typeof spectrogramJson>[0];
    const nested = s.channels.map((d) => Array.from({ length: frameCount }, (_, f) => Array.from(d.subarray(f * binCount, (f + 1) * binCount))));
    expect(spectrogramJson(s, (b) => new TextDecoder().decode(b))).toBe(JSON.stringify(nested));
    const empty = { channels: [new Uint8Array(0)], frameCount: 0, binCount } as unknown as Parameters<typeof spectrogramJson>[0];
    expect(spectrogramJson(empty, (b) => new TextDecoder().decode(b))).toBe('[[]]');
  });
});
