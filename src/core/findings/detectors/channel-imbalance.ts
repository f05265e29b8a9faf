import { finding, type Detector } from '../types';

export const channelImbalance: Detector = {
  id: 'channel-imbalance',
  plane: 'channel-layout',
  description: 'A large level difference between channels.',
  detect({ m, t }) {
    const diff = m.layout.levelDifferenceDb;
    if (diff === null || m.layout.kind === 'dead-channel' || m.layout.kind === 'phase-inverted') return null;
    if (Math.abs(diff) < t.imbalanceDb) return null;
    const louder = diff > 0 ? 0 : 1;
    return finding(
      this,
      'warn',
      `Channel ${louder} is ${Math.abs(diff).toFixed(1)} dB louder than channel ${1 - louder} over speech.`,
      'Check per-channel gain on the capture device, a panned source, or a mic pointed at one side; a channel-select step may pick the quiet one.',
      { levelDifferenceDb: diff, interChannelCorrelation: m.layout.interChannelCorrelation },
    );
  },
};
