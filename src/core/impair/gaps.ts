import { num, type Impairment } from './types';

/**
 * Jitter-buffer underruns: `count` gaps of silence of `gapMs` inserted at random points (the
 * audio after each gap is pushed later, so the file grows), the way a starved playout buffer
 * stalls and then resumes.
 */
export const gaps: Impairment = {
  id: 'gaps',
  description: 'Insert short silent gaps that push the audio later: jitter-buffer underruns.',
  params: {
    count: { kind: 'number', default: 5, min: 1, max: 200, unit: '', label: 'Number of gaps' },
    gapMs: { kind: 'number', default: 40, min: 1, max: 1000, unit: 'ms', label: 'Gap length' },
  },
  apply(audio, p, rand) {
    const n = audio.channels[0]?.length ?? 0;
    const gap = Math.round((num(p, 'gapMs') / 1000) * audio.sampleRateHz);
    const count = Math.round(num(p, 'count'));
    const at = Array.from({ length: count }, () => 1 + Math.floor(rand() * Math.max(1, n - 1))).sort((a, b) => a - b);
    const channels = audio.channels.map((x) => {
      const y = new Float32Array(n + gap * count);
      let from = 0;
      let to = 0;
      for (const cut of at) {
        y.set(x.subarray(from, cut), to);
        to += cut - from + gap;
        from = cut;
      }
      y.set(x.subarray(from), to);
      return y;
    });
    return { sampleRateHz: audio.sampleRateHz, channels };
  },
};
