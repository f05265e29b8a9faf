/**
 * Spectrogram for display, computed once from the native-rate PCM (the single source of truth the
 * page's worker adapts; the waveform view only draws it). Per channel, frame k summarises the time
 * slot [k·hop, (k+1)·hop): a Hann window of `fftSize` samples centred on the slot (zero-padded at
 * the edges), its power spectrum in dB relative to a full-scale sine, max-pooled into at most
 * `maxBins` equal-width bins from 0 Hz to Nyquist, then mapped to 0..255 over `rangeDb` below the
 * loudest bin of the file. Display only: never part of the summary.
 */
import type { Accumulator } from '../types';
import { createPowerSpectrum } from '../dsp/fft';
import { hannWindow, nextPowerOfTwo } from '../dsp/window';

export interface SpectrogramPlan {
  fftSize: number;
  hopSamples: number;
  maxBins: number;
  /** Dynamic range shown: bins this far below the loudest map to 0. */
  rangeDb: number;
}

export interface Spectrogram {
  sampleRateHz: number;
  fftSize: number;
  hopSamples: number;
  frameCount: number;
  binCount: number;
  /** Width of one (pooled) bin in Hz; bin b covers [b·binHz, (b+1)·binHz). */
  binHz: number;
  /** Per channel, frame-major: value of frame f, bin b at [f·binCount + b], 0..255. */
  channels: Uint8Array[];
  /** Level that maps to 255, dB re full-scale sine; null when the audio is digital silence. */
  topDb: number | null;
  rangeDb: number;
}

export interface PlanOptions {
  /** Upper bound on frames for the whole file (the hop grows for long files). Default 2400. */
  maxFrames?: number;
  maxBins?: number;
  rangeDb?: number;
}

/** A ~32 ms window (power of two) and a hop that keeps the whole file within `maxFrames`. */
export function planSpectrogram(sampleRateHz: number, expectedFrames: number, options: PlanOptions = {}): SpectrogramPlan {
  const maxFrames = options.maxFrames ?? 2400;
  const fftSize = Math.min(8192, Math.max(128, nextPowerOfTwo(Math.round(0.032 * sampleRateHz))));
  const byLength = expectedFrames > 0 ? Math.ceil(expectedFrames / maxFrames) : 1;
  return {
    fftSize,
    hopSamples: Math.max(Math.round(fftSize / 4), byLength),
    maxBins: options.maxBins ?? 256,
    rangeDb: options.rangeDb ?? 90,
  };
}

export function createSpectrogramAccumulator(
  sampleRateHz: number,
  channelCount: number,
  plan: SpectrogramPlan,
): Accumulator<Spectrogram> {
  const { fftSize, hopSamples: hop, rangeDb } = plan;
  if (!Number.isInteger(hop) || hop < 1) throw new RangeError(`hop must be a positive integer, got ${hop}`);
  const spectrum = createPowerSpectrum(fftSize);
  const window = hannWindow(fftSize);
  let windowSum = 0;
  for (let i = 0; i < fftSize; i++) windowSum += window[i];
  // A full-scale sine on a bin centre gives |X| = sum(w)/2: that is 0 dB.
  const refPower = (windowSum / 2) ** 2;
  const rawBins = fftSize / 2; // drop the Nyquist bin so pooled bins are equal in width
  const pool = Math.max(1, Math.ceil(rawBins / plan.maxBins));
  const binCount = Math.ceil(rawBins / pool);
  const power = new Float64Array(fftSize / 2 + 1);
  const frameInput = spectrum.input;

  // Pending samples: absolute index of buffer[0] is bufferStart; buffer holds `length` samples and
  // always ends at the last sample pushed (when non-empty).
  let capacity = Math.max(2 * fftSize, 4096);
  let buffers = Array.from({ length: channelCount }, () => new Float32Array(capacity));
  let bufferStart = 0;
  let length = 0;
  let pos = 0;
  // Window start of the next frame; may be negative (the first window reaches before the file).
  let nextStart = Math.floor(hop / 2) - fftSize / 2;
  let frames = 0;
  if (nextStart < 0) {
    bufferStart = nextStart;
    length = -nextStart; // zeros
  }

  let dbCapacity = 256 * binCount;
  let db = Array.from({ length: channelCount }, () => new Float32Array(dbCapacity));

  const ensure = (needed: number): void => {
    if (needed <= capacity) return;
    while (capacity < needed) capacity *= 2;
    buffers = buffers.map((old) => {
      const next = new Float32Array(capacity);
      next.set(old.subarray(0, length));
      return next;
    });
  };

  const emitFrames = (): void => {
    while (bufferStart + length >= nextStart + fftSize) {
      const offset = nextStart - bufferStart;
      if ((frames + 1) * binCount > dbCapacity) {
        dbCapacity *= 2;
        db = db.map((old) => {
          const next = new Float32Array(dbCapacity);
          next.set(old);
          return next;
        });
      }
      for (let c = 0; c < channelCount; c++) {
        const src = buffers[c];
        for (let i = 0; i < fftSize; i++) frameInput[i] = src[offset + i] * window[i];
        spectrum.power(frameInput, power);
        const out = db[c];
        const base = frames * binCount;
        for (let b = 0; b < binCount; b++) {
          let m = 0;
          const end = Math.min(rawBins, (b + 1) * pool);
          for (let k = b * pool; k < end; k++) if (power[k] > m) m = power[k];
          out[base + b] = m > 0 ? 10 * Math.log10(m / refPower) : -Infinity;
        }
      }
      frames++;
      nextStart += hop;
    }
    // Drop samples no later frame needs.
    const drop = Math.min(length, nextStart - bufferStart);
    if (drop > 0) {
      for (const b of buffers) b.copyWithin(0, drop, length);
      length -= drop;
      bufferStart += drop;
    }
  };

  const append = (channels: readonly (Float32Array | null)[], n: number): void => {
    // Skip what lies before the next window entirely (long hops on long files).
    let from = 0;
    if (length === 0) {
      from = Math.min(n, Math.max(0, nextStart - pos));
      bufferStart = pos + from;
    }
    const count = n - from;
    if (count > 0) {
      ensure(length + count);
      for (let c = 0; c < channelCount; c++) {
        const dst = buffers[c];
        const src = channels[c];
        if (src === null) {
          dst.fill(0, length, length + count);
        } else {
          for (let i = 0; i < count; i++) {
            const v = src[from + i];
            dst[length + i] = Number.isFinite(v) ? v : 0;
          }
        }
      }
      length += count;
    }
    pos += n;
    emitFrames();
  };

  return {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      // Feed in slices so the pending buffer stays small even for one huge chunk.
      const step = Math.max(hop, fftSize) * 4;
      for (let i = 0; i < n; i += step) {
        const end = Math.min(n, i + step);
        append(channels.map((x) => x.subarray(i, end)), end - i);
      }
    },
    finish() {
      const total = pos;
      const wanted = Math.ceil(total / hop);
      const zeros = Array.from({ length: channelCount }, (): Float32Array | null => null);
      while (frames < wanted) append(zeros, Math.max(1, nextStart + fftSize - pos));
      let top = -Infinity;
      for (let c = 0; c < channelCount; c++) {
        const d = db[c];
        for (let i = 0; i < frames * binCount; i++) if (d[i] > top) top = d[i];
      }
      const topDb = Number.isFinite(top) ? top : null;
      const channelsOut = db.map((d) => {
        const q = new Uint8Array(frames * binCount);
        if (topDb === null) return q;
        for (let i = 0; i < q.length; i++) {
          const v = ((d[i] - (topDb - rangeDb)) / rangeDb) * 255;
          q[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
        }
        return q;
      });
      return {
        sampleRateHz,
        fftSize,
        hopSamples: hop,
        frameCount: frames,
        binCount,
        binHz: (pool * sampleRateHz) / fftSize,
        channels: channelsOut,
        topDb,
        rangeDb,
      };
    },
  };
}
