import { describe, expect, it } from 'vitest';
import { createAnalyzer, createSegmentAnalyzer, finishAnalysis, segmentGrid, type Measurements } from '../../../src/core/analyze';
import { createDisplaySegment, finishDisplay, planDisplay } from '../../../src/core/display/display';
import { encodeWav } from '../../../src/core/format/wav-encode';
import { mulberry32 as rng } from '../../../src/core/dsp/rng';
import { transferablesOf } from '../../../src/core/transferables';
import { blobReader, letReadsRun, probeBlob, probeBlobLayout, readWav } from '../../../workers/core-io';
import { analyzeWavSegment, giveAwaySegment, planWavSplit, probeAndPlan, type SegmentJob, type SegmentResult, type SplitPlan } from '../../../workers/segments';
import { expectedFrames } from '../../../src/core/types';
import { createSegmentTable, hashPiecesOf, startWavSegment, STEAL_START_MS, stealCut, type WavSegmentJob } from '../../../src/core/wav-segment';
import { contentHashOfPieces, createContentHasher, HASH_PIECE_BYTES } from '../../../src/core/hash';
import type { WavLayout } from '../../../src/core/format/wav';

/** Bursts of tone in noise, a clipped second and 40 ms of digital zeros. */
function speechLike(sr: number, seconds: number, channels: number): Float32Array[] {
  const r = rng(5);
  const n = Math.round(seconds * sr);
  return Array.from({ length: channels }, (_, c) =>
    Float32Array.from({ length: n }, (_, i) => {
      const t = i / sr;
      if (t >= 47 && t < 47.04) return 0;
      const phase = t % 1.7;
      const env = phase < 1.1 ? Math.sin((Math.PI * phase) / 1.1) : 0;
      const gain = t > 33 && t < 34 ? 5 : 1;
      const v = gain * env * (0.3 / (c + 1)) * Math.sin(2 * Math.PI * 180 * t) + 0.003 * (r() - 0.5);
      return Math.max(-1, Math.min(1, v));
    }),
  );
}

/** Equal, numbers within 1e-9 relative (the merged sums round differently), typed arrays bit for bit. */
function expectClose(a: unknown, b: unknown, path: string): void {
  if (typeof a === 'number') {
    if (!Number.isFinite(a)) return void expect(b, path).toBe(a);
    return void expect(Math.abs(a - (b as number)), path).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a)));
  }
  if (ArrayBuffer.isView(a)) {
    const bytes = (v: ArrayBufferView): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    return void expect(Buffer.compare(bytes(a), bytes(b as ArrayBufferView)), path).toBe(0);
  }
  if (Array.isArray(a)) {
    expect((b as unknown[]).length, path).toBe(a.length);
    return a.forEach((v, i) => expectClose(v, (b as unknown[])[i], `${path}[${i}]`));
  }
  if (a !== null && typeof a === 'object') {
    for (const k of Object.keys(a)) expectClose((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  expect(b, path).toEqual(a);
}

/** The split plan as the worker's probe cuts it: from the layout the probe's one header read found. */
async function splitPlan(blob: Blob, count: number): Promise<SplitPlan | null> {
  const probed = await probeBlobLayout(blob);
  if (!probed.ok) throw new Error(probed.error.message);
  const { probe, wavLayout } = probed.value;
  if (wavLayout === null) throw new Error('expected a WAV layout');
  return planWavSplit(wavLayout, probe, blob.size, count);
}

/** The page's one-pass reader (readWav) into the analyser and the display, as analysis.api.ts does. */
async function onePass(blob: Blob): Promise<{ m: Measurements; display: ReturnType<typeof finishDisplay> }> {
  const probed = await probeBlob(blob);
  if (!probed.ok) throw new Error(probed.error.message);
  const probe = probed.value;
  const opened = await readWav(blob);
  if (!opened.ok) throw new Error(opened.error.message);
  const analyzer = createAnalyzer(probe.decodedSampleRateHz, probe.channels);
  const display = createDisplaySegment(planDisplay(probe.decodedSampleRateHz, probe.channels, expectedFrames(probe)), { start: 0, end: null, firstPushed: 0 });
  for await (const { channels } of opened.value.chunks) {
    analyzer.push(channels);
    display.push(channels);
  }
  return { m: analyzer.finish(), display: finishDisplay([display.partial()]) };
}

describe('a WAV Blob analysed in segments by the page worker code', () => {
  // 24-bit stereo: 6-byte frames straddle the 1 MiB reads (2^20 mod 6 = 4) and the segments' byte
  // ranges; 32-bit float: sums that are not exact, so their order shows.
  for (const [sr, channels, seconds, count, encoding] of [
    [16000, 1, 100, 3, 'pcm16'],
    [44100, 2, 75, 4, 'pcm16'],
    [44100, 2, 75, 2, 'pcm24'],
    [48000, 1, 80, 2, 'float32'],
  ] as const) {
    it(`${sr} Hz × ${channels} ${encoding}, ${seconds} s: each segment reads its own byte range; the merge equals one pass`, async () => {
      const blob = new Blob([encodeWav(speechLike(sr, seconds, channels), sr, encoding)]);
      const plan = await splitPlan(blob, count);
      if (plan === null) throw new Error('expected a split');
      const { specs, layout, display, totalFrames, pieces } = plan;
      expect(specs.length).toBeGreaterThanOrEqual(2);
      const progress: number[][] = specs.map(() => []);
      // Out of order, as workers finish.
      const results = await Promise.all(specs.map((spec, k) => analyzeWavSegment(blob, { layout, spec, display, pieces: pieces[k] }, (f) => progress[k].push(f))));
      specs.forEach((spec, k) => expect(progress[k].at(-1)).toBe((spec.end ?? totalFrames) - spec.start));
      expect(transferablesOf(results).length).toBeGreaterThan(10);
      const split = {
        m: finishAnalysis(results.map((r) => r.analysis)),
        display: finishDisplay(results.map((r) => r.display)),
      };
      const whole = await onePass(blob);
      expectClose(whole.display, split.display, 'display');
      expectClose(whole.m, split.m, 'm');
      expect(split.m.clipping.runs).toBeGreaterThan(0);
      const core = createContentHasher();
      core.update(new Uint8Array(await blob.arrayBuffer()));
      expect(contentHashOfPieces(results.flatMap((r) => r.pieceDigests))).toBe(core.digestHex16());
    });
  }

  for (const [sr, channels, seconds, encoding] of [
    [16000, 1, 200, 'pcm16'],
    [48000, 2, 150, 'pcm16'],
    [44100, 2, 150, 'pcm24'],
  ] as const) {
    it(`${sr} Hz × ${channels} ${encoding}, ${seconds} s: a running segment gives its rest away (work stealing); the merge still equals one pass`, async () => {
      const blob = new Blob([encodeWav(speechLike(sr, seconds, channels), sr, encoding)]);
      const plan = await splitPlan(blob, 2);
      if (plan === null) throw new Error('expected a split');
      const { specs, layout, display, totalFrames, pieces } = plan;
      expect(specs).toHaveLength(2);
      const grid = segmentGrid(sr) ?? 0;
      // Both segments, the final one too, are read as the worker reads them (its consumers: the
      // analyzer and the display) and give their rest away at their first progress report inside
      // their stretch, a point between two reads, as the worker's message handler runs. The two
      // threads read at the same made-up speed, so the cut lands about halfway.
      const rests: WavSegmentJob[] = [];
      const cut = await Promise.all(
        specs.map(async (spec, k) => {
          const analyzer = createSegmentAnalyzer(sr, channels, spec);
          const shown = createDisplaySegment(display, { start: spec.start, end: spec.end, firstPushed: analyzer.firstSample });
          const consumers = [analyzer, { firstSample: analyzer.firstSample, push: (c: readonly Float32Array[]) => shown.push(c), needsMore: () => shown.needsMore(), cut: (e: number) => shown.cut(e) }];
          let last = 0;
          const run = startWavSegment(blobReader(blob), blob.size, { layout, spec, pieces: pieces[k] }, consumers, {
            letReadsRun,
            onProgress: (frames) => {
              last = frames;
              if (frames === 0 || rests[k]) return;
              const pushed = spec.start + frames;
              const end = spec.end ?? totalFrames;
              expect(run.pushedFrames()).toBe(pushed - analyzer.firstSample);
              // Nothing given to a thief that would be busy less than twice its start.
              expect(run.giveAway(1000, (end - pushed) / (1.9 * STEAL_START_MS))).toBe(null);
              const rest = run.giveAway(1000, 1000);
              if (!rest) throw new Error('expected the rest given away');
              expect(rest.spec.start % grid).toBe(0);
              expect(rest.spec.start).toBe(stealCut({ pushed, start: spec.start, end, grid, warmupFrames: 2 * sr }, 1000, 1000));
              expect(rest.spec.end).toBe(spec.end);
              expect(rest.pieces).toEqual({ from: Math.ceil((layout.dataOffset + rest.spec.start * layout.blockAlign) / HASH_PIECE_BYTES), to: pieces[k].to });
              rests[k] = rest;
            },
          });
          const pieceDigests = await run.done;
          // It ended at the cut: its last progress report, and its partials.
          expect(spec.start + last).toBe(rests[k].spec.start);
          expect(run.giveAway(1000, 1000)).toBe(null);
          const r: SegmentResult = { analysis: analyzer.partial(), display: shown.partial(), pieceDigests };
          expect(r.analysis.frameCount).toBe(rests[k].spec.start - spec.start);
          expect(r.analysis.final).toBe(false);
          return r;
        }),
      );
      const restResults = await Promise.all(rests.map((job) => analyzeWavSegment(blob, { ...job, display })));
      const inOrder: SegmentResult[] = [cut[0], restResults[0], cut[1], restResults[1]];
      expect(inOrder.map((r) => r.analysis.final)).toEqual([false, false, false, true]);
      const split = { m: finishAnalysis(inOrder.map((r) => r.analysis)), display: finishDisplay(inOrder.map((r) => r.display)) };
      const whole = await onePass(blob);
      expectClose(whole.display, split.display, 'display');
      expectClose(whole.m, split.m, 'm');
      const core = createContentHasher();
      core.update(new Uint8Array(await blob.arrayBuffer()));
      expect(contentHashOfPieces(inOrder.flatMap((r) => r.pieceDigests))).toBe(core.digestHex16());
    });
  }

  it('cuts where both threads end together, strictly past what was read, and not for a short rest', () => {
    const at = { pushed: 0, start: 0, end: 1_000_000, grid: 4800, warmupFrames: 96_000 };
    // Reads x more at `own` frames/ms; the thief starts after STEAL_START_MS and reads the rest plus the warm-up.
    const ends = (cut: number, own: number, thief: number): [number, number] => [(cut - at.pushed) / own, STEAL_START_MS + (at.end - cut + at.warmupFrames) / thief];
    for (const [own, thief] of [
      [100, 100],
      [50, 100],
      [100, 40],
    ]) {
      const cut = stealCut(at, own, thief);
      if (cut === null) throw new Error('expected a cut');
      expect(cut % at.grid).toBe(0);
      const [mine, theirs] = ends(cut, own, thief);
      // Within half a grid step of either reader.
      expect(Math.abs(mine - theirs)).toBeLessThanOrEqual(at.grid / 2 / Math.min(own, thief) + at.grid / 2 / Math.max(own, thief));
    }
    // A slower victim keeps less.
    expect(stealCut(at, 50, 100) ?? 0).toBeLessThan(stealCut(at, 100, 100) ?? 0);
    // Past what was read even when the thief is far faster.
    expect(stealCut({ ...at, pushed: 4801 }, 1, 1e4)).toBe(9600);
    // A rest the thief would read in less than 2 × STEAL_START_MS is kept.
    expect(stealCut({ ...at, pushed: at.end - 4 * at.grid }, 1000, 1000)).toBe(null);
    // Past the start, while the warm-up before it is read.
    expect(stealCut({ ...at, pushed: 0, start: 48_000 }, 1, 1e4)).toBe(52_800);
    // Its own speed not known yet (nothing read): taken to be the thief's.
    expect(stealCut(at, 0, 100)).toBe(stealCut(at, 100, 100));
    expect(stealCut(at, 100, 0)).toBe(null);
  });

  it('keeps a split table: rests get the next index and id, their segment ends where they start, the merge order is by file position', () => {
    const layout = { dataOffset: 44, blockAlign: 2 } as WavLayout;
    let id = 70;
    const table = createSegmentTable(layout, [{ start: 0, end: 1000 }, { start: 1000, end: null }], [{ from: 0, to: 1 }, { from: 1, to: 3 }], () => id++);
    expect([table.planned, table.count(), table.job(0).id, table.job(1).id]).toEqual([2, 2, 70, 71]);
    const k = table.addRest(0, { layout, spec: { start: 600, end: 1000 }, pieces: { from: 1, to: 1 } });
    expect(k).toBe(2);
    expect(table.job(0).spec).toEqual({ start: 0, end: 600 });
    expect(table.job(2)).toEqual({ layout, spec: { start: 600, end: 1000 }, pieces: { from: 1, to: 1 }, id: 72 });
    table.addRest(1, { layout, spec: { start: 1800, end: null }, pieces: { from: 2, to: 3 } });
    expect(table.job(1).spec.end).toBe(1800);
    expect([table.planned, table.count()]).toEqual([2, 4]);
    expect(table.inFileOrder()).toEqual([0, 2, 1, 3]);
  });

  it('gives nothing away for a segment not running in this worker', () => {
    expect(giveAwaySegment(12345, { sampleRateHz: 16000 } as SegmentJob['display'], 100)).toBe(null);
  });

  it('gives every content-hash piece to exactly one segment, the one holding its first byte', () => {
    const L = HASH_PIECE_BYTES;
    const layout = { dataOffset: 44, blockAlign: 4 } as WavLayout;
    const frames = Math.floor((5.5 * L) / 4);
    for (const starts of [[0, 1000], [0, L / 4, L / 4 + 8, 3 * (L / 4)], [0, L / 4 - 11, L / 2]]) {
      const specs = starts.map((start, k) => ({ start, end: k + 1 < starts.length ? starts[k + 1] : null }));
      const size = 44 + frames * 4;
      const pieces = hashPiecesOf(layout, specs, size);
      expect(pieces[0].from).toBe(0);
      expect(pieces.at(-1)?.to).toBe(Math.ceil(size / L));
      pieces.forEach((p, k) => {
        if (k > 0) expect(p.from).toBe(pieces[k - 1].to);
        const first = k === 0 ? 0 : 44 + specs[k].start * 4;
        const next = k + 1 < specs.length ? 44 + specs[k + 1].start * 4 : size;
        for (let j = p.from; j < p.to; j++) expect(j * L >= first && j * L < next).toBe(true);
      });
    }
  });

  it("the worker's probe (probeAndPlan) reads a WAV's header once, and cuts the split from the layout it found", async () => {
    /** A Blob that counts the byte ranges read from it (blobSource reads through slice). */
    class CountingBlob extends Blob {
      slices = 0;
      override slice(start?: number, end?: number, contentType?: string): Blob {
        this.slices++;
        return super.slice(start, end, contentType);
      }
    }
    const bytes = encodeWav(speechLike(16000, 300, 1), 16000, 'pcm16');
    const alone = new CountingBlob([bytes]);
    const probedAlone = await probeBlob(alone);
    if (!probedAlone.ok) throw new Error(probedAlone.error.message);
    const blob = new CountingBlob([bytes]);
    const probed = await probeAndPlan(blob, 2);
    if (!probed.ok) throw new Error(probed.error.message);
    expect(probed.value.probe).toEqual(probedAlone.value);
    expect(blob.slices).toBe(alone.slices); // before, planWavSplit read the header a second time
    const plan = probed.value.plan;
    if (plan === null) throw new Error('expected a split');
    expect(plan).toEqual(await splitPlan(new Blob([bytes]), 2));
    expect(plan.specs).toHaveLength(2);
    expect(plan.totalFrames).toBe(300 * 16000);
    expect(plan.layout.dataOffset + plan.layout.dataBytes).toBe(bytes.length);
  });

  it('is not split when too short (the one-pass path takes it)', async () => {
    const blob = new Blob([encodeWav(speechLike(16000, 50, 1), 16000, 'pcm16')]);
    expect(await splitPlan(blob, 4)).toBe(null);
  });
});

describe('transferablesOf', () => {
  it('finds each buffer under nested typed arrays once', () => {
    const shared = new ArrayBuffer(64);
    const value = { a: new Float32Array(shared, 0, 4), b: [new Uint8Array(shared, 32, 8), { c: new Float64Array(3) }], n: 1, s: 'x', z: null };
    const found = transferablesOf(value);
    expect(found).toHaveLength(2);
    expect(found).toContain(shared);
  });
});
