import { finding, type Detector } from '../types';

export const dcOffset: Detector = {
  id: 'dc-offset',
  plane: 'microphone',
  description: 'A DC bias: the waveform is shifted off zero.',
  detect({ m, t }) {
    const worst = m.channels.reduce((a, c) => (Math.abs(c.dcOffset) > Math.abs(a) ? c.dcOffset : a), m.levels.dcOffset);
    const size = Math.abs(worst);
    if (size < t.dcOffsetInfo) return null;
    const dbfs = (20 * Math.log10(size)).toFixed(1);
    const warn = size >= t.dcOffsetWarn;
    return finding(
      this,
      warn ? 'warn' : 'info',
      warn
        ? `The signal sits ${worst.toExponential(2)} off zero (${dbfs} dBFS of DC): headroom is lost, clipping comes earlier on one side, and level-based gates that do not remove DC are biased.`
        : `A small DC offset (${worst.toExponential(2)}, ${dbfs} dBFS): harmless for recognition (front ends remove it), but it says the capture path has no DC blocker.`,
      'Check the microphone preamp or ADC (a missing high-pass / DC blocker), or a faulty int/float conversion that did not centre unsigned 8-bit audio.',
      { dcOffset: worst, warnAtOrAbove: t.dcOffsetWarn },
    );
  },
};
