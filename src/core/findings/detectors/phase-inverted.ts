import { finding, type Detector } from '../types';

export const phaseInverted: Detector = {
  id: 'phase-inverted',
  plane: 'channel-layout',
  description: 'Channels that cancel when summed to mono.',
  detect({ m }) {
    if (m.layout.kind !== 'phase-inverted') return null;
    return finding(
      this,
      'critical',
      `The two channels are mirror images (correlation ${m.layout.interChannelCorrelation?.toFixed(4)}): a mono downmix of this file is near-silent (${m.layout.monoDownmixDeltaDb === null ? '−∞' : m.layout.monoDownmixDeltaDb.toFixed(1)} dB).`,
      'Check the capture device\'s channel wiring (a balanced lead with swapped pins) or a stereo-to-mono step that subtracts.',
      { interChannelCorrelation: m.layout.interChannelCorrelation, monoDownmixDeltaDb: m.layout.monoDownmixDeltaDb },
    );
  },
};
