import { finding, fmtDb, type Detector } from '../types';

export const upstreamClipping: Detector = {
  id: 'upstream-clipping',
  plane: 'clipping',
  description: 'Flat tops below full scale: the audio was clipped earlier in the path and turned down afterwards.',
  detect({ m }) {
    const f = m.clipping.flatTop;
    if (!f.detected) return null;
    return finding(
      this,
      'warn',
      `The waveform is cut flat at ${fmtDb(f.levelDbfs)} dBFS (${f.runs} runs), below full scale: it was clipped before a later gain reduction, so the peak level hides the damage.`,
      'Look for a stage before this file that clipped (a client-side gain, a resampler or codec with fixed-point overflow) and the normalisation or volume step after it.',
      { levelDbfs: f.levelDbfs, runs: f.runs, samples: f.samples },
    );
  },
};
