/**
 * The speech level impairments are relative to: RMS over the 10 ms frames within 30 dB of the
 * loudest frame, all channels together — a simple, deterministic stand-in for the active speech
 * level that does not depend on the analysis core's VAD (so changing the VAD never changes a
 * generated fixture).
 */
import type { PcmAudio } from '../types';

export function activeLevelRms(audio: PcmAudio): number {
  const hop = Math.max(1, Math.round(audio.sampleRateHz * 0.01));
  const n = audio.channels[0]?.length ?? 0;
  const frames = Math.floor(n / hop);
  if (frames === 0) return 0;
  const power: number[] = [];
  for (let f = 0; f < frames; f++) {
    let s = 0;
    for (const x of audio.channels) for (let i = f * hop; i < (f + 1) * hop; i++) s += x[i] * x[i];
    power.push(s / (hop * audio.channels.length));
  }
  const loudest = Math.max(...power);
  if (loudest === 0) return 0;
  // Active frames: within 30 dB of the loudest.
  const active = power.filter((p) => p >= loudest * 1e-3);
  return Math.sqrt(active.reduce((a, b) => a + b, 0) / active.length);
}
