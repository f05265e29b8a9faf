/**
 * The VAD's level model, its hysteresis and the frame table's DC removal run in the kernels
 * (src/core/kernels/c/levels.c). Here they are held to the TypeScript they replaced, kept below
 * as the reference, value for value (Object.is: the same bits), on tables built to reach every
 * branch: digital silence (−∞ levels and floors), NaN-free ties, a stretch with no speech level,
 * the absolute gate, a last hop shorter than the others.
 */
import { describe, expect, it } from 'vitest';
import { runVad, meanChannelPower, EDGE_FRAMES } from '../../../src/core/vad/vad';
import { DEFAULT_LEVEL_MODEL } from '../../../src/core/vad/levels';
import { resolveVadSettings } from '../../../src/core/vad/defaults';
import { finishFrameTable, type FrameTablePartial } from '../../../src/core/frames/frame-analysis';
import type { FrameTable } from '../../../src/core/frames/types';
import { kernels } from '../../../src/core/kernels/runtime';
import { mulberry32 as rng } from '../../../src/core/dsp/rng';

// ---- The reference: the TypeScript of src/core/vad/levels.ts, vad.ts and frame-analysis.ts before the kernels.

function refQuantile(values: Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function refSlidingMin(values: Float64Array, radius: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = NaN;
    for (let j = Math.max(0, i - radius); j <= Math.min(n - 1, i + radius); j++) if (!Number.isNaN(values[j]) && !(m <= values[j])) m = values[j];
    out[i] = m;
  }
  return out;
}

function refLevelModel(table: FrameTable) {
  const cfg = DEFAULT_LEVEL_MODEL;
  const n = table.frameCount;
  const p = new Float64Array(n);
  for (let b = 0; b < table.bandPower.length; b++) {
    if (table.bandEdgesHz[b + 1] > 4000) continue;
    for (let i = 0; i < n; i++) p[i] += table.bandPower[b][i];
  }
  const levelDb = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = i > 0 ? p[i - 1] : p[i];
    const c = i < n - 1 ? p[i + 1] : p[i];
    const s = (a + p[i] + c) / 3;
    levelDb[i] = s > 0 ? 10 * Math.log10(s) : -Infinity;
  }
  const floor = refSlidingMin(levelDb, Math.max(1, Math.round(cfg.noiseRadiusSec / table.hopSec)));
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(levelDb[i]) && levelDb[i] - floor[i] >= cfg.candidateMarginDb) candidates.push(levelDb[i]);
  const minCandidates = Math.max(1, Math.round(cfg.minCandidateSec / table.hopSec));
  const speechLevelDb = candidates.length >= minCandidates ? refQuantile(Float64Array.from(candidates), 0.9) : null;
  const lowest = speechLevelDb !== null ? speechLevelDb - cfg.maxRangeDb : NaN;
  for (let i = 0; i < n; i++) {
    let f = floor[i];
    if (speechLevelDb !== null) {
      if (!(f >= lowest)) f = lowest;
      if (f > speechLevelDb) f = speechLevelDb;
    }
    floor[i] = f;
  }
  return { levelDb, noiseFloorDb: floor, speechLevelDb };
}

function refRaw(table: FrameTable, threshold: number, gateDb: number | null) {
  const model = refLevelModel(table);
  const n = table.frameCount;
  const raw = new Uint8Array(n);
  const onsets: number[] = [];
  const S = model.speechLevelDb;
  if (S !== null) {
    const fullBand = gateDb !== null ? meanChannelPower(table) : null;
    const gatePower = gateDb !== null ? 10 ** (gateDb / 10) : 0;
    let speaking = false;
    for (let i = 0; i < n; i++) {
      const N = model.noiseFloorDb[i];
      const L = model.levelDb[i];
      const on = N + threshold * (S - N);
      const off = N + 0.5 * threshold * (S - N);
      const gated = fullBand !== null && !(fullBand[i] >= gatePower);
      if (gated || !Number.isFinite(L)) speaking = false;
      else if (speaking) speaking = L >= off;
      else speaking = L >= on;
      raw[i] = speaking ? 1 : 0;
      if (speaking) onsets.push(on);
    }
  }
  const sorted = Float64Array.from(onsets).sort();
  return { model, raw, onsetThresholdDb: onsets.length > 0 ? sorted[Math.floor(onsets.length / 2)] : null };
}

function refWithoutDc(power: Float32Array, mu: Float32Array, hop: number, last: number, radius: number): Float32Array {
  const n = power.length;
  const out = power.slice();
  const prefix = new Float64Array(n + 1);
  const before = (i: number): number => (i < n ? i * hop : (n - 1) * hop + last);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + mu[i] * (i === n - 1 ? last : hop);
  for (let i = 0; i < n; i++) {
    if (out[i] === 0) continue;
    const a = Math.max(0, i - radius);
    const b = Math.min(n, i + radius + 1);
    const dc = (prefix[b] - prefix[a]) / (before(b) - before(a));
    out[i] = Math.max(0, out[i] - 2 * mu[i] * dc + dc * dc);
  }
  return out;
}

// ---- Tables built to reach every branch.

const EDGES = [200, 500, 1000, 2000, 4000, 8000];

function syntheticTable(seed: number, n: number, kind: string): FrameTable {
  const r = rng(seed);
  const bands = EDGES.slice(0, -1).map(() => new Float32Array(n));
  const power = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // Speech-like bursts over a noise floor that drifts; runs of digital silence; exact ties.
    const burst = kind !== 'noise' && Math.floor(i / 40) % 3 === 0 ? 10 ** (2 + r() * 1.5) : 1;
    const silent = kind === 'silence-runs' && Math.floor(i / 150) % 4 === 1;
    const floor = 1e-6 * (1 + Math.sin(i / 500));
    for (const band of bands) band[i] = silent ? 0 : kind === 'ties' ? Math.round(r() * 3) * 1e-4 * burst : floor * burst * (0.5 + r());
    power[i] = silent ? 0 : bands.reduce((a, b) => a + b[i], 0) * (kind === 'gate' && i % 7 === 0 ? 1e-6 : 1);
  }
  return {
    sampleRateHz: 16000,
    channelCount: 1,
    hopSamples: 160,
    hopSec: 0.01,
    fftSize: 512,
    frameCount: n,
    sampleCount: n * 160,
    lastFrameSamples: 160,
    channelPower: [power],
    downmixPower: power,
    digitalSilence: new Uint8Array(n),
    pair: null,
    bandEdgesHz: EDGES,
    bandPower: bands,
    spectrum: { binHz: 31.25, binCount: 257, buckets: new Map() },
  };
}

describe('the level model and hysteresis in the kernels', () => {
  it('give the same bits as the TypeScript they replaced: levels, floors, speech level, raw decisions, median onset, edges', () => {
    let withSpeech = 0;
    for (const [seed, n, kind] of [
      [1, 5000, 'speech'],
      [2, 4000, 'silence-runs'],
      [3, 3000, 'ties'],
      [4, 3000, 'noise'],
      [5, 4000, 'gate'],
      [6, 1, 'speech'],
      [7, 2, 'speech'],
      [8, 0, 'speech'],
    ] as const) {
      const t = syntheticTable(seed, n, kind);
      for (const threshold of [0.3, 0.5, 0.8]) {
        const gateDb = kind === 'gate' ? -60 : null;
        const got = runVad(t, { threshold, absoluteFloorDbfs: gateDb }, {}, { keepModel: true });
        const want = refRaw(t, resolveVadSettings({ threshold }).threshold, gateDb);
        const m = got.model;
        expect(m).not.toBeNull();
        if (!m) continue;
        const same = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
          let bad = 0;
          for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) bad++;
          return bad + Math.abs(a.length - b.length);
        };
        expect(same(m.levelDb, want.model.levelDb), `${kind} levels`).toBe(0);
        expect(same(m.noiseFloorDb, want.model.noiseFloorDb), `${kind} floors`).toBe(0);
        expect(got.speechLevelDb).toBe(want.model.speechLevelDb);
        expect(same(got.rawDecisions, want.raw), `${kind} raw decisions`).toBe(0);
        expect(got.onsetThresholdDb).toBe(want.onsetThresholdDb);
        const edge = (from: number, to: number): number | null => {
          const S = want.model.speechLevelDb;
          if (S === null || n === 0) return null;
          const max = Math.max(-Infinity, ...Array.from(want.model.levelDb.subarray(Math.max(0, from), Math.min(n, to))));
          return Number.isFinite(max) ? S - max : null;
        };
        expect(got.edgeBelowSpeechDb).toEqual({ start: edge(0, EDGE_FRAMES), end: edge(n - EDGE_FRAMES, n) });
        if (want.model.speechLevelDb !== null && want.raw.includes(1)) withSpeech++;
      }
    }
    // The cases exercise the speech path, not only "no speech level".
    expect(withSpeech).toBeGreaterThanOrEqual(9);
  });

  it('leave no kernel memory behind and keep the model out of the result unless asked for', () => {
    const t = syntheticTable(9, 20000, 'speech');
    const k = kernels();
    runVad(t);
    const grown = k.exports.memory.buffer.byteLength;
    for (let i = 0; i < 5; i++) expect(runVad(t).model).toBeNull();
    expect(k.exports.memory.buffer.byteLength).toBe(grown);
  });
});

describe('the DC removal in the kernels', () => {
  it('gives the same bits as the TypeScript it replaced, a short last hop and all-zero hops included', () => {
    const r = rng(21);
    for (const [n, hop, last] of [
      [3000, 160, 160],
      [2999, 480, 17],
      [1, 160, 5],
      [120, 441, 441],
    ]) {
      const power = new Float32Array(n);
      const mu = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const dc = 0.05 * Math.sin(i / 300);
        mu[i] = i % 97 === 5 ? 0 : dc + (r() - 0.5) * 1e-3;
        power[i] = i % 97 === 5 ? 0 : mu[i] * mu[i] + 1e-5 * r();
      }
      const radius = Math.max(1, Math.round(0.5 / (hop / 48000)));
      const want = refWithoutDc(power, mu, hop, last, radius);
      const partial: FrameTablePartial = {
        sampleRateHz: 48000,
        channelCount: 1,
        hopSamples: hop,
        fftSize: 1024,
        frameCount: n,
        sampleCount: (n - 1) * hop + last,
        lastFrameSamples: last,
        channelPower: [power.slice()],
        channelMean: [mu],
        downmixPower: power,
        downmixMean: mu,
        digitalSilence: new Uint8Array(n),
        pair: null,
        bandEdgesHz: EDGES,
        bandPower: [],
        binHz: 46.875,
        binCount: 513,
        buckets: [],
      };
      const got = finishFrameTable(partial).channelPower[0];
      let bad = 0;
      for (let i = 0; i < n; i++) if (!Object.is(got[i], want[i])) bad++;
      expect(bad, `n=${n} hop=${hop}`).toBe(0);
    }
  });
});
