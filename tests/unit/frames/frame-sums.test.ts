/**
 * Active-speech SNR, the silence ratio, the channel layout and the VAD's runs sum over the frame
 * table in the kernels (src/core/kernels/c/frame-sums.c). Here they are held to the TypeScript
 * they replaced, kept below as the reference, value for value, on tables built to reach every
 * branch: digital silence, dead and inverted channels, no speech, a short last hop.
 */
import { describe, expect, it } from 'vitest';
import { activeSpeechSnr, SNR_CAP_DB, SNR_FLOOR_DB } from '../../../src/core/snr/active-snr';
import { silenceRatio, SILENCE_FRAME_SEC, SILENCE_RELATIVE_DB } from '../../../src/core/silence/silence';
import { channelLayout } from '../../../src/core/layout/layout';
import { runsOf } from '../../../src/core/vad/segments';
import { quantile } from '../../../src/core/dsp/stats';
import { dbOrNull, powerToDb } from '../../../src/core/dsp/db';
import type { FrameTable } from '../../../src/core/frames/types';
import { mulberry32 as rng } from '../../../src/core/dsp/rng';

function refSnrSums(t: FrameTable, decisions: Uint8Array): number[] {
  let se = 0;
  let ss = 0;
  let ne = 0;
  let ns = 0;
  let zs = 0;
  const C = Math.max(1, t.channelCount);
  for (let i = 0; i < t.frameCount; i++) {
    const len = i === t.frameCount - 1 ? t.lastFrameSamples : t.hopSamples;
    let p = 0;
    for (let c = 0; c < t.channelCount; c++) p += t.channelPower[c][i];
    p /= C;
    if (decisions[i]) {
      se += p * len;
      ss += len;
    } else if (t.digitalSilence[i]) zs += len;
    else {
      ne += p * len;
      ns += len;
    }
  }
  return [se, ss, ne, ns, zs];
}

function refSilence(t: FrameTable, speechLevelDbfs: number | null): { ratio: number; thresholdDbfs: number | null } {
  const per = Math.max(1, Math.round(SILENCE_FRAME_SEC / t.hopSec));
  const C = Math.max(1, t.channelCount);
  const n = t.frameCount;
  const levels: number[] = [];
  for (let i = 0; i < n; i += per) {
    let energy = 0;
    let samples = 0;
    for (let j = i; j < Math.min(n, i + per); j++) {
      const len = j === n - 1 ? t.lastFrameSamples : t.hopSamples;
      let p = 0;
      for (const column of t.channelPower.slice(0, t.channelCount)) p += column[j];
      energy += (p / C) * len;
      samples += len;
    }
    const power = samples > 0 ? energy / samples : 0;
    levels.push(power > 0 ? 10 * Math.log10(power) : -Infinity);
  }
  let reference = speechLevelDbfs;
  if (reference === null) {
    const finite = levels.filter((v) => Number.isFinite(v));
    reference = finite.length > 0 ? quantile(finite, 0.95) : null;
  }
  if (reference === null) return { ratio: 1, thresholdDbfs: null };
  const threshold = reference + SILENCE_RELATIVE_DB;
  return { ratio: levels.filter((v) => v < threshold).length / levels.length, thresholdDbfs: threshold };
}

function refLayoutSums(t: FrameTable, active: Uint8Array | null): { dead: number[]; active: number[] } {
  const C = t.channelCount;
  const n = t.frameCount;
  const len = (i: number): number => (i === n - 1 ? t.lastFrameSamples : t.hopSamples);
  const dead = Array.from({ length: C }, (_, c) => {
    let e = 0;
    for (let i = 0; i < n; i++) e += t.channelPower[c][i] * len(i);
    return e;
  });
  let use = active;
  if (!use || !use.includes(1)) use = Uint8Array.from(t.digitalSilence, (z) => (z ? 0 : 1));
  let count = 0;
  let e0 = 0;
  let e1 = 0;
  let down = 0;
  let sxy = 0;
  let sx = 0;
  let sy = 0;
  const all = new Array<number>(C).fill(0);
  for (let i = 0; i < n; i++) {
    if (!use[i] || C < 2) continue;
    count += len(i);
    e0 += t.channelPower[0][i] * len(i);
    e1 += t.channelPower[1][i] * len(i);
    for (let c = 0; c < C; c++) all[c] += t.channelPower[c][i] * len(i);
    down += t.downmixPower[i] * len(i);
    if (t.pair) {
      sxy += t.pair.sumXY[i];
      sx += t.pair.sumX[i];
      sy += t.pair.sumY[i];
    }
  }
  return { dead, active: [count, e0, e1, down, sxy, sx, sy, ...all] };
}

function tableOf(seed: number, C: number, n: number, kind: string): { t: FrameTable; decisions: Uint8Array } {
  const r = rng(seed);
  const power = Array.from({ length: C }, () => new Float32Array(n));
  const silent = new Uint8Array(n);
  const decisions = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const speech = Math.floor(i / 37) % 3 === 0;
    decisions[i] = kind === 'no-speech' ? 0 : speech ? 1 : 0;
    silent[i] = kind === 'silence' && Math.floor(i / 50) % 4 === 1 ? 1 : 0;
    for (let c = 0; c < C; c++) power[c][i] = silent[i] || (kind === 'dead' && c === 1) ? 0 : (speech ? 1e-2 : 1e-6) * (0.5 + r()) * (c + 1);
  }
  const downmix = C === 1 ? power[0] : Float32Array.from(power[0], (v, i) => (v + power[1][i]) / 4);
  const pair = C >= 2 && kind !== 'no-pair' ? { sumXY: Float32Array.from(power[0], (v) => v * (kind === 'inverted' ? -80 : 80)), sumX: new Float32Array(n).fill(0.01), sumY: new Float32Array(n).fill(-0.02) } : null;
  const hop = 160;
  const last = kind === 'short-last' ? 37 : hop;
  const t: FrameTable = {
    sampleRateHz: 16000,
    channelCount: C,
    hopSamples: hop,
    hopSec: 0.01,
    fftSize: 512,
    frameCount: n,
    sampleCount: n > 0 ? (n - 1) * hop + last : 0,
    lastFrameSamples: last,
    channelPower: power,
    downmixPower: downmix,
    digitalSilence: silent,
    pair,
    bandEdgesHz: [200, 4000],
    bandPower: [],
    spectrum: { binHz: 31.25, binCount: 257, buckets: new Map() },
  };
  return { t, decisions };
}

const CASES: Array<[number, number, number, string]> = [
  [1, 1, 3001, 'speech'],
  [2, 2, 3000, 'speech'],
  [3, 2, 2999, 'silence'],
  [4, 2, 1000, 'dead'],
  [5, 2, 1000, 'inverted'],
  [6, 2, 1000, 'no-pair'],
  [7, 3, 999, 'short-last'],
  [8, 1, 500, 'no-speech'],
  [9, 2, 500, 'no-speech'],
  [10, 1, 1, 'speech'],
  [11, 2, 0, 'speech'],
];

describe('the frame-table sums in the kernels', () => {
  it('give active-speech SNR exactly as the TypeScript they replaced', () => {
    for (const [seed, C, n, kind] of CASES) {
      const { t, decisions } = tableOf(seed, C, n, kind);
      const [se, ss, ne, ns, zs] = refSnrSums(t, decisions);
      const got = activeSpeechSnr(t, decisions);
      const Ps = ss > 0 ? se / ss : 0;
      const Pn = ns > 0 ? ne / ns : 0;
      expect(got.speechDbfs, `${kind} speech`).toBe(ss > 0 ? dbOrNull(powerToDb(Ps)) : null);
      if (got.noiseIsDigitalSilence) expect(got.db).toBe(SNR_CAP_DB);
      else if (got.db !== null) {
        expect(got.noiseDbfs).toBe(dbOrNull(powerToDb(Pn)));
        expect(got.db).toBe(Math.min(SNR_CAP_DB, Math.max(SNR_FLOOR_DB, 10 * Math.log10((Ps - Pn) / Pn))));
      } else expect(ss / 16000 < 0.1 || (ns + zs) / 16000 < 0.2 || Ps === 0).toBe(true);
    }
  });

  it('give the silence ratio exactly as the TypeScript it replaced, with a speech level and without one', () => {
    for (const [seed, C, n, kind] of CASES) {
      const { t } = tableOf(seed, C, n, kind);
      for (const speech of [null, -20, -60]) {
        const want = refSilence(t, speech);
        const got = silenceRatio(t, speech, 0.25);
        if (n === 0) continue;
        expect(got.ratio, `${kind} ${speech}`).toBe(want.ratio);
        expect(got.thresholdDbfs, `${kind} ${speech}`).toBe(want.thresholdDbfs);
      }
    }
  });

  it('give the layout sums exactly as the TypeScript they replaced, active frames or not', () => {
    for (const [seed, C, n, kind] of CASES) {
      const { t, decisions } = tableOf(seed, C, n, kind);
      for (const active of [decisions, null, new Uint8Array(n)]) {
        const want = refLayoutSums(t, active);
        const got = channelLayout(t, active);
        const total = Math.max(1, t.sampleCount);
        expect(got.deadChannels, kind).toEqual(want.dead.flatMap((e, c) => (powerToDb(e / total) >= -90 ? [] : [c])));
        if (C === 1) continue;
        const [count, e0, e1, down, sxy, sx, sy, ...all] = want.active;
        if (count === 0) continue;
        expect(got.levelDifferenceDb).toBe(e0 > 0 && e1 > 0 ? 10 * Math.log10(e0 / e1) : null);
        const loudest = Math.max(0, ...all);
        expect(got.monoDownmixDeltaDb).toBe(loudest > 0 ? dbOrNull(powerToDb(down / loudest)) : null);
        if (t.pair) {
          const vx = e0 - (sx * sx) / count;
          const vy = e1 - (sy * sy) / count;
          const cov = sxy - (sx * sy) / count;
          expect(got.interChannelCorrelation, kind).toBe(vx > 0 && vy > 0 ? Math.max(-1, Math.min(1, cov / Math.sqrt(vx * vy))) : null);
        } else expect(got.interChannelCorrelation).toBeNull();
      }
    }
  });

  it('find the runs of speech frames as a frame-by-frame scan does', () => {
    const r = rng(3);
    for (const n of [0, 1, 2, 1000]) {
      const flags = Uint8Array.from({ length: n }, (_, i) => (i % 97 < 40 || r() < 0.1 ? 1 : 0));
      const want: Array<[number, number]> = [];
      let start = -1;
      for (let i = 0; i <= n; i++) {
        if (i < n && flags[i] && start < 0) start = i;
        else if ((i === n || !flags[i]) && start >= 0) {
          want.push([start, i]);
          start = -1;
        }
      }
      expect(runsOf(flags)).toEqual(want);
    }
  });
});
