/**
 * A file cut into segments on the segment grid, each analysed apart and merged, must read as one
 * pass: the same VAD decisions, counts and ranges, and every measured value within rounding.
 * The signals put what crosses a seam right on it: clip runs, zero runs (one starting exactly
 * at the seam, one ending there), a flat-top plateau, speech.
 */
import { describe, expect, it } from 'vitest';
import {
  analyzePcm,
  createSegmentAnalyzer,
  finishAnalysis,
  mergeAnalysisPartials,
  planSegments,
  segmentGrid,
  type AnalysisPartial,
  type Measurements,
  type SegmentSpec,
} from '../../../src/core/analyze';
import { createFrameStore, createMergeStore } from '../../../src/core/frames/frame-analysis';

function partialsOf(sampleRateHz: number, channels: Float32Array[], specs: SegmentSpec[], chunk = 70001): AnalysisPartial[] {
  const total = channels[0].length;
  return specs.map((spec) => {
    const a = createSegmentAnalyzer(sampleRateHz, channels.length, spec);
    let pos = a.firstSample;
    while (pos < total && (pos < (spec.end ?? Infinity) || a.needsMore())) {
      const to = Math.min(total, pos + chunk);
      a.push(channels.map((c) => c.subarray(pos, to)));
      pos = to;
    }
    return a.partial();
  });
}

function analyzeInSegments(sampleRateHz: number, channels: Float32Array[], specs: SegmentSpec[], chunk = 70001): Measurements {
  return finishAnalysis(partialsOf(sampleRateHz, channels, specs, chunk));
}

/** Deterministic speech-like noise bursts (4 s on, 2 s off) over a low floor, with hum and an echo. */
function speechLike(sampleRateHz: number, seconds: number, seed: number): Float32Array {
  const n = Math.round(sampleRateHz * seconds);
  const x = new Float32Array(n);
  let s = seed;
  const rand = (): number => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
  let lp = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRateHz;
    const syllable = 0.5 - 0.5 * Math.cos(2 * Math.PI * 4 * t);
    lp = 0.9 * lp + 0.1 * rand();
    x[i] = (t % 6 < 4 ? 2.4 * syllable * lp : 0) + 0.0005 * rand() + 0.002 * Math.sin(2 * Math.PI * 50 * t);
  }
  const d = Math.round(0.12 * sampleRateHz);
  for (let i = n - 1; i >= d; i--) x[i] += 0.4 * x[i - d];
  return x;
}

/** Things that cross the seam at `at`, one kind per seam. */
function stressSeam(x: Float32Array, at: number, sampleRateHz: number, kind: 'clip' | 'zeros' | 'zero-start' | 'plateau'): void {
  const z = Math.round(0.02 * sampleRateHz);
  if (kind === 'clip') {
    for (let i = at - 2; i < at + 2; i++) x[i] = 1; // a clip run of 2 + 2: counted only when joined
    for (let i = at + 400; i < at + 402; i++) x[i] = -1; // a run too short to count just after it
    x.fill(0, at - 3 * z, at - 2 * z); // and a zero run ending shortly before
  } else if (kind === 'zeros') {
    x.fill(0, at - z, at + z); // a zero run across the seam
  } else if (kind === 'zero-start') {
    x.fill(0, at, at + z); // a zero run starting exactly on the seam
    for (let i = at - 8; i < at; i++) x[i] = 0.999; // after a clip run ending exactly on it
  } else {
    x.fill(-0.5, at - 3, at + 3); // a plateau across the seam
    for (let k = 1; k <= 8; k++) x.fill(-0.5, at + k * 3000, at + k * 3000 + 4);
  }
}

function expectClose(a: unknown, b: unknown, path: string): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isInteger(a) && Number.isInteger(b) && Math.abs(a) < 2 ** 31) {
      expect(b, path).toBe(a);
      return;
    }
    expect(Math.abs(a - b), path).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a)));
    return;
  }
  if (a instanceof Uint8Array) {
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b as Uint8Array)), path).toBe(0);
    return;
  }
  if (Array.isArray(a)) {
    expect((b as unknown[]).length, path).toBe(a.length);
    a.forEach((v, i) => expectClose(v, (b as unknown[])[i], `${path}[${i}]`));
    return;
  }
  if (a !== null && typeof a === 'object') {
    for (const k of Object.keys(a)) expectClose((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  expect(b, path).toEqual(a);
}

describe('segmented analysis', () => {
  it('puts every boundary on the grid, covers the file, keeps segments ≥ 30 s', () => {
    expect(segmentGrid(16000)).toBe(1600); // 0.1 s
    expect(segmentGrid(48000)).toBe(4800);
    expect(segmentGrid(44100)).toBe(388080); // 8.8 s
    const specs = planSegments(16000, 3600 * 16000 + 123, 4);
    expect(specs).toHaveLength(4);
    expect(specs[0].start).toBe(0);
    expect(specs[3].end).toBeNull();
    for (let k = 1; k < specs.length; k++) {
      expect(specs[k].start % 1600).toBe(0);
      expect(specs[k - 1].end).toBe(specs[k].start);
      expect(specs[k].start - specs[k - 1].start).toBe(900 * 16000);
    }
    expect(specs[3].expectedEnd).toBe(3600 * 16000 + 123); // sizes the last segment's frame table
    expect(planSegments(16000, 59 * 16000, 4)).toEqual([{ start: 0, end: null, expectedEnd: 59 * 16000 }]);
    expect(planSegments(16000, 61 * 16000, 4)).toHaveLength(2);
    expect(planSegments(44100, 3600 * 44100, 2)).toHaveLength(2);
  });

  it('reads the same whatever length the header promised (the hint only sizes the frame table)', () => {
    const sr = 16000;
    const x = speechLike(sr, 40.3, 5);
    const exact = analyzeInSegments(sr, [x], [{ start: 0, end: null }]);
    for (const expectedEnd of [x.length, 1000, x.length * 3, 2 ** 52, NaN]) {
      expect(analyzeInSegments(sr, [x], [{ start: 0, end: null, expectedEnd }])).toEqual(exact);
    }
  });

  it('equals one pass on 16 kHz mono with clip runs and zero runs across and on the seams', () => {
    const sr = 16000;
    const x = speechLike(sr, 127.3, 7);
    const specs = planSegments(sr, x.length, 4);
    expect(specs).toHaveLength(4);
    const seams = specs.slice(1).map((s) => s.start);
    // Seams off the hum (65536), echo (16384) and sum-block (65536) grids: blocks straddle them.
    expect(seams.every((at) => at % 16384 !== 0)).toBe(true);
    stressSeam(x, seams[0], sr, 'clip');
    stressSeam(x, seams[1], sr, 'zeros');
    stressSeam(x, seams[2], sr, 'zero-start');
    const whole = analyzePcm({ sampleRateHz: sr, channels: [x] });
    const parts = analyzeInSegments(sr, [x], specs);
    expectClose(whole, parts, 'm');
    expect(parts.diagnostics.zeroRuns.totalRuns).toBeGreaterThanOrEqual(3);
    expect(parts.clipping.runs).toBe(2);
    expect(parts.diagnostics.clippedRanges).toHaveLength(2);
    expect(parts.diagnostics.hum.blocks).toBe(whole.diagnostics.hum.blocks);
  });

  it('equals one pass on 48 kHz stereo (phase-inverted, a plateau across the seam, one channel clipped on it)', () => {
    const sr = 48000;
    const left = speechLike(sr, 71.9, 11);
    const specs = planSegments(sr, left.length, 2);
    expect(specs).toHaveLength(2);
    const seam = specs[1].start;
    stressSeam(left, seam, sr, 'plateau');
    left.fill(0, seam + 100000, seam + 100400);
    const right = left.map((v) => -v);
    stressSeam(right, seam, sr, 'clip');
    const whole = analyzePcm({ sampleRateHz: sr, channels: [left, right] });
    const parts = analyzeInSegments(sr, [left, right], specs, 65536);
    expectClose(whole, parts, 'm');
  });

  it('a zero run from inside a segment to the end of the file is trailing silence in both; 44.1 kHz', () => {
    const sr = 44100;
    const x = speechLike(sr, 75, 3);
    const specs = planSegments(sr, x.length, 2);
    expect(specs).toHaveLength(2);
    x.fill(0, (specs[1].start as number) - sr); // silence from 1 s before the seam to the end
    const whole = analyzePcm({ sampleRateHz: sr, channels: [x] });
    const parts = analyzeInSegments(sr, [x], specs);
    expectClose(whole, parts, 'm');
  });
});

describe('segmented analysis at the end of the file', () => {
  it('a zero run owned by the first segment that ends 5 ms before the end of the file is reported as in one pass', () => {
    const sr = 16000;
    const x = speechLike(sr, 64, 9);
    const specs = planSegments(sr, x.length, 2);
    expect(specs).toHaveLength(2);
    x.fill(0, (specs[1].start as number) - 800, x.length - 80); // from before the seam to 5 ms before the end
    const whole = analyzePcm({ sampleRateHz: sr, channels: [x] });
    expect(whole.diagnostics.zeroRuns.totalRuns).toBeGreaterThanOrEqual(1);
    expectClose(whole, analyzeInSegments(sr, [x], specs), 'm');
  });
});

describe('segments writing into a frame store (the CLI threads)', () => {
  for (const [sr, channelCount] of [
    [16000, 1],
    [48000, 2],
  ] as const) {
    it(`${sr} Hz × ${channelCount}: the merge takes the store's rows as they are, and reads as without one`, () => {
      const x = speechLike(sr, 70.3, 13);
      const channels = channelCount === 1 ? [x] : [x, x.map((v, i) => 0.5 * v + 0.001 * Math.sin(i))];
      const specs = planSegments(sr, x.length, 2);
      expect(specs).toHaveLength(2);
      const store = createFrameStore(sr, channelCount, x.length);
      if (!store) throw new Error('no SharedArrayBuffer');
      const stored = specs.map((spec) => ({ ...spec, frameStore: store }));
      const without = analyzeInSegments(sr, channels, specs);
      // The rows are merged without a copy (and finished in place, so the merge is looked at first).
      const partials = partialsOf(sr, channels, stored);
      const merged = mergeAnalysisPartials(partials, store).frames;
      expect(merged.storeRow).toBe(0);
      expect(merged.channelPower[0].buffer).toBe(store.columns[0].buffer);
      expect(merged.bandPower.at(-1)!.buffer).toBe(store.columns.at(-1)!.buffer);
      if (channelCount === 1) expect(merged.downmixPower).toBe(merged.channelPower[0]);
      expect(finishAnalysis(partials, { frameStore: store })).toEqual(without);
      // A store too short for the audio (a header that lies): the last segment's rows outgrow it and are copied.
      const short = createFrameStore(sr, channelCount, specs[1].start + sr);
      if (!short) throw new Error('no SharedArrayBuffer');
      const shortParts = partialsOf(sr, channels, specs.map((spec) => ({ ...spec, frameStore: short })));
      expect(shortParts[1].frames.storeRow).toBeUndefined();
      expect(finishAnalysis(shortParts, { frameStore: short })).toEqual(without);
    });
  }
});

describe('a merge copying into a store made for it (the page: createMergeStore)', () => {
  for (const [sr, channelCount] of [
    [16000, 1],
    [48000, 2],
  ] as const) {
    it(`${sr} Hz × ${channelCount}: the columns are copied into the store's rows, and read as concatenated`, () => {
      const x = speechLike(sr, 70.3, 17);
      const channels = channelCount === 1 ? [x] : [x, x.map((v, i) => 0.5 * v + 0.001 * Math.sin(i))];
      const specs = planSegments(sr, x.length, 2);
      expect(specs).toHaveLength(2);
      const without = analyzeInSegments(sr, channels, specs);
      const partials = partialsOf(sr, channels, specs);
      const concatenated = mergeAnalysisPartials(partials).frames;
      const store = createMergeStore(sr, channelCount, x.length);
      if (!store) throw new Error('no store');
      // Written once already (touched), every value 0 until the merge copies in.
      expect(store.columns.every((col) => col.every((v) => v === 0))).toBe(true);
      const merged = mergeAnalysisPartials(partials, store).frames;
      expect(merged.storeRow).toBeUndefined();
      expect(merged.ownsColumns).toBe(true);
      expect(merged.channelPower[0].buffer).toBe(store.columns[0].buffer);
      expect(merged.channelMean.at(-1)!.buffer).toBe(store.columns[2 * channelCount - 1].buffer);
      expect(merged.bandPower.at(-1)!.buffer).toBe(store.columns.at(-1)!.buffer);
      if (channelCount === 1) expect(merged.downmixPower).toBe(merged.channelPower[0]);
      else expect(merged.pair!.sumY.buffer).toBe(store.columns[2 * channelCount + 4].buffer);
      // Every column's values where concatenation puts them (the store's column order is the merge's).
      expect(merged.channelPower).toEqual(concatenated.channelPower);
      expect(merged.channelMean).toEqual(concatenated.channelMean);
      expect(merged.downmixPower).toEqual(concatenated.downmixPower);
      expect(merged.downmixMean).toEqual(concatenated.downmixMean);
      expect(merged.pair).toEqual(concatenated.pair);
      expect(merged.bandPower).toEqual(concatenated.bandPower);
      expect(finishAnalysis(partialsOf(sr, channels, specs), { frameStore: createMergeStore(sr, channelCount, x.length)! })).toEqual(without);
      // A store too short for the audio (a header that lies) is not used: the columns are concatenated.
      const short = createMergeStore(sr, channelCount, specs[1].start + sr)!;
      const shortMerged = mergeAnalysisPartials(partialsOf(sr, channels, specs), short).frames;
      expect(shortMerged.channelPower[0].buffer).not.toBe(short.columns[0].buffer);
      expect(finishAnalysis(partialsOf(sr, channels, specs), { frameStore: short })).toEqual(without);
      // One made for another channel count is not used either.
      const other = createMergeStore(sr, 3 - channelCount, x.length)!;
      expect(finishAnalysis(partialsOf(sr, channels, specs), { frameStore: other })).toEqual(without);
    });
  }
});
