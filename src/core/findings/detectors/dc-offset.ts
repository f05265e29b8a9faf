import { finding, type Detector } from '../types';

export const dcOffset: Detector = {
  id: 'dc-offset',
  plane: 'microphone',
  description: 'A DC bias: the waveform is shifted off zero.',
  detect({ m, t }) {
    const worst = m.channels.reduce((a, c) => (Math.abs(c.dcOffset) > Math.abs(a) ? c.dcOffset : a), m.levels.dcOffset);
    if (Math.abs(worst) < t.dcOffsetWarn) return null;
    return finding(
      this,
      'warn',
      `The signal sits ${worst.toExponential(2)} off zero (${(20 * Math.log10(Math.abs(worst))).toFixed(1)} dBFS of DC): headroom is lost and level-based detectors are biased.`,
      'Check the microphone preamp or ADC (a missing high-pass / DC blocker), or a faulty int/float conversion that did not centre unsigned 8-bit audio.',
      { dcOffset: worst },
    );
  },
};
