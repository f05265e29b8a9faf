import { finding, type Detector } from '../types';

export const dualMono: Detector = {
  id: 'dual-mono',
  plane: 'channel-layout',
  description: 'Two identical channels: stereo in name only.',
  detect({ m, t }) {
    if (m.layout.kind !== 'dual-mono') return null;
    // The same signal at different levels is an imbalance (its own detector), not identical channels.
    const diff = m.layout.levelDifferenceDb;
    if (diff !== null && Math.abs(diff) >= t.dualMonoMaxLevelDifferenceDb) return null;
    return finding(
      this,
      'info',
      `Both channels carry the same signal (correlation ${m.layout.interChannelCorrelation?.toFixed(4)}): this is mono stored as stereo.`,
      'Harmless for recognition; it doubles storage and bandwidth. If the source should have had two talkers (agent and caller), the channel split failed upstream.',
      { interChannelCorrelation: m.layout.interChannelCorrelation, levelDifferenceDb: diff },
    );
  },
};
