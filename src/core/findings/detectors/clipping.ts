import { finding, type Detector } from '../types';

export const clipping: Detector = {
  id: 'clipping',
  plane: 'clipping',
  description: 'Samples at full scale in runs of three or more: the signal hit the converter or codec ceiling.',
  detect({ m, t }) {
    const c = m.clipping;
    if (c.runs < t.clippingMinRuns || c.ratio < t.clippingWarnRatio) return null;
    const severity = c.ratio >= t.clippingCriticalRatio ? 'critical' : 'warn';
    return finding(
      this,
      severity,
      `${(c.ratio * 100).toFixed(3)} % of samples sit at full scale, in ${c.runs} runs of 3 or more: the waveform was cut flat at the ceiling.`,
      'Check the input gain or AGC before the ADC or encoder, and any gain stage that boosts after capture; clipped speech distorts features for every model downstream.',
      { ratio: c.ratio, clippedSamples: c.clippedSamples, runs: c.runs },
      m.diagnostics.clippedRanges,
    );
  },
};
