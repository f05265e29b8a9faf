/**
 * Progress wording, pure (unit-tested in Node). The shape is the worker's ProgressUpdate
 * (workers/analysis.api.ts), restated structurally so this file needs no browser types.
 */
export interface ProgressLike {
  stage: string;
  fraction: number;
  audioSecDone?: number;
  audioSecTotal?: number;
  elapsedMs?: number;
}

const STAGES: Record<string, string> = {
  probing: 'Reading header',
  decoding: 'Decoding',
  analysing: 'Analysing',
  hashing: 'Hashing',
  finishing: 'Finishing',
};

export const stageLabel = (stage: string): string => STAGES[stage] ?? stage;

/** h:mm:ss or m:ss, whole seconds. */
const clock = (sec: number): string => {
  const whole = Math.floor(sec);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const ss = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
};

/**
 * "12:03 of 60:00 audio · 310× real time · about 8 s left": what a long file's progress means.
 * Rate and time left appear once there is enough to go on (½ s and 2 % in).
 */
export function progressDetail(p: ProgressLike | null): string | null {
  if (!p || p.audioSecDone === undefined) return null;
  const parts = [p.audioSecTotal ? `${clock(p.audioSecDone)} of ${clock(p.audioSecTotal)} audio` : `${clock(p.audioSecDone)} audio`];
  const elapsedSec = (p.elapsedMs ?? 0) / 1000;
  if (elapsedSec >= 0.5 && p.fraction >= 0.02) {
    parts.push(`${Math.round(p.audioSecDone / elapsedSec)}× real time`);
    const leftSec = (elapsedSec * (1 - p.fraction)) / p.fraction;
    parts.push(leftSec < 1 ? 'under 1 s left' : `about ${leftSec < 90 ? `${Math.round(leftSec)} s` : `${Math.round(leftSec / 60)} min`} left`);
  }
  return parts.join(' · ');
}
