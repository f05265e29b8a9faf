/**
 * An absolute energy gate in front of a VAD: every 10 ms frame whose mean-square level (all
 * channels together) is below `gateDbfs` is zeroed. It is the classic way a pipeline loses a quiet
 * speaker's first word — a fixed floor tuned on loud talkers — and it is engine-agnostic, so the
 * "old" setting of a sweep can carry one whatever engine runs after it.
 */
import type { PcmAudio } from '../types';

export function applyEnergyGate(audio: PcmAudio, gateDbfs: number | null | undefined): PcmAudio {
  if (gateDbfs === null || gateDbfs === undefined) return audio;
  const hop = Math.max(1, Math.round(audio.sampleRateHz * 0.01));
  const n = audio.channels[0]?.length ?? 0;
  const gatePower = 10 ** (gateDbfs / 10);
  const channels = audio.channels.map((x) => x.slice());
  const k = 1 / Math.max(1, audio.channels.length);
  for (let start = 0; start < n; start += hop) {
    const end = Math.min(n, start + hop);
    let s = 0;
    for (const x of audio.channels) for (let i = start; i < end; i++) s += x[i] * x[i];
    const meanSquare = (s * k) / (end - start);
    if (meanSquare < gatePower) for (const y of channels) y.fill(0, start, end);
  }
  return { sampleRateHz: audio.sampleRateHz, channels };
}
