import { describe, expect, it } from 'vitest';
import { createP56, finishP56, mergeP56, type P56Partial } from '../../../src/core/levels/p56';
import { kernels } from '../../../src/core/kernels/runtime';
import { gain, randomSizes, readWav, rng, runChunked, sine, speechFixtures } from './signals';

/**
 * A direct port of the ITU-T G.191 STL sv-p56.c speech_voltmeter (v2.3): per-sample loop over the
 * 15 thresholds with hangover counters, then bin_interp with its 0.5 dB tolerance.
 */
function sv56(x: Float32Array, fs: number): { level: number; activity: number; a: number[]; exactLevel: number } {
  const I = Math.floor(0.2 * fs + 0.5);
  const g = Math.exp(-1 / (fs * 0.03));
  const c: number[] = [];
  for (let v = 0.5, j = 1; j <= 15; j++, v /= 2) c[15 - j] = v;
  const a = new Array<number>(15).fill(0);
  const hang = new Array<number>(15).fill(I);
  let sq = 0;
  let p = 0;
  let q = 0;
  for (let k = 0; k < x.length; k++) {
    const v = x[k];
    sq += v * v;
    p = g * p + (1 - g) * Math.abs(v);
    q = g * q + (1 - g) * p;
    for (let j = 0; j < 15; j++) {
      if (q >= c[j]) {
        a[j]++;
        hang[j] = 0;
      }
      if (q < c[j] && hang[j] < I) {
        a[j]++;
        hang[j]++;
      }
    }
  }
  const M = 15.9;
  const longTerm = 10 * Math.log10(sq / x.length + 1e-20);
  const none = { level: -100, activity: 0, a, exactLevel: -100 };
  if (a[0] === 0) return none;
  const dB = (j: number) => 10 * Math.log10(sq / a[j]);
  const cdB = (j: number) => 20 * Math.log10(c[j]);
  if (dB(0) - cdB(0) < M) return none;
  for (let j = 1; j < 15; j++) {
    if (a[j] === 0) continue;
    const AdB = dB(j);
    const CdB = cdB(j);
    if (AdB - CdB <= M) {
      const level = binInterp(AdB, dB(j - 1), CdB, cdB(j - 1), M, 0.5);
      // The same straight line solved exactly (what p56.ts does).
      const dm = dB(j - 1) - cdB(j - 1);
      const t = (dm - M) / (dm - (AdB - CdB));
      const exactLevel = dB(j - 1) + t * (AdB - dB(j - 1));
      return { level, activity: 10 ** ((longTerm - level) / 10), a, exactLevel };
    }
  }
  return none;
}

function binInterp(upcount: number, lwcount: number, upthr: number, lwthr: number, margin: number, tol: number): number {
  if (Math.abs(upcount - upthr - margin) < tol) return upcount;
  if (Math.abs(lwcount - lwthr - margin) < tol) return lwcount;
  let midcount = (upcount + lwcount) / 2;
  let midthr = (upthr + lwthr) / 2;
  let iter = 1;
  let diff: number;
  while (Math.abs((diff = midcount - midthr - margin)) > tol) {
    if (++iter > 20) tol *= 1.1;
    if (diff > tol) {
      midcount = (upcount + midcount) / 2;
      midthr = (upthr + midthr) / 2;
      lwcount = midcount;
      lwthr = midthr;
    } else if (diff < -tol) {
      midcount = (midcount + lwcount) / 2;
      midthr = (midthr + lwthr) / 2;
      upcount = midcount;
      upthr = midthr;
    }
  }
  return midcount;
}

const p56 = (channels: Float32Array[], fs: number, sizes = [4096]) => runChunked(createP56(fs, channels.length), channels, sizes);

/** Sine bursts: `onSec` on, `offSec` off, `bursts` times, starting with the burst. */
function gatedSine(fs: number, amplitude: number, onSec: number, offSec: number, bursts: number): Float32Array {
  const period = Math.round((onSec + offSec) * fs);
  const on = Math.round(onSec * fs);
  const x = new Float32Array(period * bursts);
  for (let i = 0; i < x.length; i++) if (i % period < on) x[i] = amplitude * Math.sin((2 * Math.PI * 1000 * i) / fs);
  return x;
}

/** Solve (1 + u)·e^(−u) = r for u ≥ 0 (the two-pole envelope's step response), by bisection. */
function solveDecay(r: number): number {
  let lo = 0;
  let hi = 50;
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    if ((1 + mid) * Math.exp(-mid) > r) lo = mid;
    else hi = mid;
  }
  return lo;
}

describe('ITU-T P.56 active speech level', () => {
  it('reads a 50 % gated sine at 20·log10(A/√2), activity 0.5 plus the hangover', () => {
    const fs = 16000;
    const T = 0.03;
    const H = 0.2;
    for (const A of [0.5, 0.05, 0.005]) {
      for (const onSec of [2, 5]) {
        const bursts = 4;
        const r = p56([gatedSine(fs, A, onSec, onSec, bursts)], fs);
        const trueDb = 20 * Math.log10(A / Math.SQRT2);
        // Each burst is counted from when the envelope q (mean |x| = 2A/π, two 30 ms poles)
        // rises past the threshold c* = level − 15.9 dB until it decays below it, plus the
        // 200 ms hangover. Solve that for c*, iterating because c* depends on the level read.
        let level = trueDb;
        let extraSec = 0;
        for (let k = 0; k < 5; k++) {
          const ratio = 10 ** ((level - 15.9 - 20 * Math.log10((2 * A) / Math.PI)) / 20); // c* / q_ss
          extraSec = H + T * (solveDecay(ratio) - solveDecay(1 - ratio));
          level = trueDb - 10 * Math.log10((onSec + extraSec) / onSec);
        }
        const activity = (onSec + extraSec) / (2 * onSec);
        expect(r.activityFactor).toBeCloseTo(activity, 2);
        expect(Math.abs(r.activeSpeechLevelDbfs! - level)).toBeLessThan(0.05);
        // The bound that needs no model: hangover plus at most 4 time constants of decay.
        expect(r.activityFactor!).toBeGreaterThanOrEqual(0.5);
        expect(r.activityFactor!).toBeLessThanOrEqual(0.5 + (H + 4 * T) / (2 * onSec));
        expect(r.activeSpeechLevelDbfs!).toBeLessThanOrEqual(trueDb);
        expect(r.activeSpeechLevelDbfs!).toBeGreaterThan(trueDb - 10 * Math.log10(1 + (H + 4 * T) / onSec));
        expect(r.longTermLevelDbfs).toBeCloseTo(trueDb - 10 * Math.log10(2), 2);
      }
    }
  });

  it('reads a continuous sine at its RMS, active but for the envelope attack (≤ one 30 ms time constant)', () => {
    const seconds = 3;
    const r = p56([sine(8000, seconds, 0.3, 440)], 8000);
    expect(r.activityFactor!).toBeLessThanOrEqual(1);
    expect(r.activityFactor!).toBeGreaterThan(1 - 0.03 / seconds);
    expect(r.activeSpeechLevelDbfs! - 20 * Math.log10(0.3 / Math.SQRT2)).toBeCloseTo(-10 * Math.log10(r.activityFactor!), 6);
    expect(r.activeSpeechLevelDbfs! - 20 * Math.log10(0.3 / Math.SQRT2)).toBeLessThan(10 * Math.log10(seconds / (seconds - 0.03)));
  });

  it('counts activity exactly as the G.191 sv56 loop does, and agrees with its level within its 0.5 dB interpolation tolerance', () => {
    for (const f of speechFixtures()) {
      const w = readWav(f);
      for (const g of [0, -20]) {
        const x = gain(w.channels[0], g);
        const ref = sv56(x, w.sampleRateHz);
        const ours = p56([x], w.sampleRateHz, randomSizes(g + 99, 50, 5000));
        expect(ours.activeSpeechLevelDbfs, f).not.toBeNull();
        // sv56 bisects A − C = M to ±0.5 dB, which moves the level by far less (A changes slowly).
        expect(Math.abs(ours.activeSpeechLevelDbfs! - ref.level), `${f} ${g} dB`).toBeLessThan(0.1);
        expect(Math.abs(ours.activityFactor! - ref.activity)).toBeLessThan(0.03);
      }
    }
  });

  it('matches the reference loop exactly once both solve the interpolation exactly (same activity counts)', () => {
    const fs = 8000;
    const r = rng(1);
    const x = new Float32Array(fs * 6);
    for (let i = 0; i < x.length; i++) x[i] = (Math.sin(i / 3000) > 0 ? 0.3 : 0.002) * (r() - 0.5);
    const cases: Array<[Float32Array, number]> = [[x, fs]];
    for (const f of speechFixtures().slice(0, 4)) {
      const w = readWav(f);
      cases.push([w.channels[0], w.sampleRateHz], [gain(w.channels[0], -35), w.sampleRateHz]);
    }
    for (const [y, rate] of cases) {
      const ref = sv56(y, rate);
      const ours = p56([y], rate, [1, 7, 4096]);
      expect(Math.abs(ours.activeSpeechLevelDbfs! - ref.exactLevel)).toBeLessThan(1e-9);
    }
  });

  it('tracks gain: −20 dB of gain reads 20 dB lower', () => {
    const w = readWav(speechFixtures()[12]);
    const a = p56([w.channels[0]], w.sampleRateHz);
    const b = p56([gain(w.channels[0], -20)], w.sampleRateHz);
    expect(b.activeSpeechLevelDbfs! - a.activeSpeechLevelDbfs!).toBeCloseTo(-20, 0);
    expect(Math.abs(b.activeSpeechLevelDbfs! - a.activeSpeechLevelDbfs! + 20)).toBeLessThan(0.3);
  });

  it('gives null for digital silence and for noise at one LSB', () => {
    expect(p56([new Float32Array(16000)], 16000)).toMatchObject({ activeSpeechLevelDbfs: null, activityFactor: null, channel: null });
    const r = rng(2);
    const lsb = new Float32Array(16000).map(() => (r() < 0.5 ? -1 : 1) / 65536);
    expect(p56([lsb], 16000).activeSpeechLevelDbfs).toBeNull();
  });

  it('reports the loudest channel and keeps every channel', () => {
    const w = readWav(speechFixtures()[0]);
    const r = p56([gain(w.channels[0], -12), w.channels[0], new Float32Array(w.channels[0].length)], w.sampleRateHz);
    expect(r.channel).toBe(1);
    expect(r.channels).toHaveLength(3);
    expect(r.activeSpeechLevelDbfs).toBe(r.channels[1].activeSpeechLevelDbfs);
    expect(r.channels[2].activeSpeechLevelDbfs).toBeNull();
  });

  it('gives the same result for any chunking', () => {
    const w = readWav(speechFixtures()[3]);
    const ref = p56([w.channels[0]], w.sampleRateHz, [w.channels[0].length]);
    for (const seed of [1, 2, 3, 4]) {
      expect(p56([w.channels[0]], w.sampleRateHz, randomSizes(seed, 300, 700))).toEqual(ref);
    }
  });

  it('gives the same bits for chunks of 1, 2 and 3 samples (the kernel pairs samples across calls)', () => {
    const w = readWav(speechFixtures()[2]);
    const x = w.channels[0].subarray(0, 3 * w.sampleRateHz);
    const ref = p56([x], w.sampleRateHz, [x.length]);
    for (const sizes of [[1], [2], [3], [1, 2], [2, 1, 1], [3, 4, 5, 0]]) expect(p56([x], w.sampleRateHz, sizes), String(sizes)).toEqual(ref);
  });

  it('merges a file cut at any sample, odd or even, into the counts of one pass (segments pair samples by their index in the file)', () => {
    const w = readWav(speechFixtures()[1]);
    const fs = w.sampleRateHz;
    // Four times over, at 0, −10, −20 and −5 dB: long enough for a 2 s warm-up before the cut.
    const once = w.channels[0];
    const x = new Float32Array(4 * once.length);
    [0, -10, -20, -5].forEach((g, i) => x.set(gain(once, g), i * once.length));
    const warmup = 2 * fs;
    const part = (from: number, to: number, origin: number): P56Partial => {
      const acc = createP56(fs, 1, from - origin, origin);
      runChunked(acc, [x.subarray(origin, to)], [1001, 1]);
      return acc.partial();
    };
    const whole = part(0, x.length, 0).channels[0];
    // Cut points and warm-up starts of both parities; a mono file goes through the paired kernel.
    for (const cut of [x.length >> 1, (x.length >> 1) + 1]) {
      for (const origin of [cut - warmup, cut - warmup - 1]) {
        const merged = mergeP56(part(0, cut, 0), part(cut, x.length, origin)).channels[0];
        // The counts are the same integers; Σx² adds the two halves' sums (its last bits may move).
        expect(merged.activity, `cut ${cut}, origin ${origin}`).toEqual(whole.activity);
        expect(merged.samples).toBe(whole.samples);
        expect(Math.abs(merged.sumSquares / whole.sumSquares - 1)).toBeLessThan(1e-12);
      }
    }
    const level = finishP56({ channels: [whole] }).activeSpeechLevelDbfs!;
    expect(level).toBeGreaterThan(-40);
    expect(level).toBeLessThan(-10);
  });

  it('ends in the same envelope bits as one pass when a stretch starts at its index in the file, odd or even, and not when told another', () => {
    // The kernel alone (p56_push), thresholds out of reach: only the envelope recursion runs.
    const k = kernels();
    const doubles = k.exports.p56_state_doubles();
    const fs = 8000;
    const g = Math.exp(-1 / (fs * 0.03));
    const r = rng(5);
    const x = new Float32Array(3 * fs).map(() => 0.2 * (r() - 0.5));
    const envelope = (from: number, n: number): [number, number] => {
      const state = k.alloc(8 * doubles);
      const xs = k.alloc(4 * x.length);
      try {
        const s = k.f64(state, doubles);
        s.fill(0);
        s.fill(Infinity, 8 + 4 * 15, 8 + 5 * 15); // thresholds
        s[3] = n; // index in the file of the first sample pushed
        s[5] = g;
        s[6] = 1 - g;
        k.f32(xs, x.length).set(x);
        for (let i = from; i < x.length; i += 333) k.exports.p56_push(state, xs + 4 * i, Math.min(333, x.length - i));
        const after = k.f64(state, doubles);
        return [after[0], after[1]];
      } finally {
        k.exports.free(state);
        k.exports.free(xs);
      }
    };
    const whole = envelope(0, 0);
    for (const from of [fs - 1, fs]) {
      expect(envelope(from, from), `from ${from}`).toEqual(whole);
      // Pairs cut one sample off the file's: the recursion's rounding differs, and so do the bits.
      expect(envelope(from, from + 1)).not.toEqual(whole);
    }
  });

  it('gives each channel of a stereo pair (one two-lane kernel) what it gives that channel alone, to 1e-9 dB', () => {
    const w = readWav(speechFixtures()[0]);
    const x = w.channels[0];
    const y = gain(x.slice().reverse(), -6);
    const both = p56([x, y], w.sampleRateHz);
    const alone = [p56([x], w.sampleRateHz), p56([y], w.sampleRateHz)];
    both.channels.forEach((c, i) => {
      expect(Math.abs(c.activeSpeechLevelDbfs! - alone[i].activeSpeechLevelDbfs!)).toBeLessThan(1e-9);
      expect(Math.abs(c.activityFactor! - alone[i].activityFactor!)).toBeLessThan(1e-12);
    });
  });

  it('treats NaN and ±Infinity as 0', () => {
    const x = sine(8000, 2, 0.3, 440);
    const y = x.slice();
    y[100] = NaN;
    y[200] = Infinity;
    x[100] = 0;
    x[200] = 0;
    expect(p56([y], 8000)).toEqual(p56([x], 8000));
  });
});
