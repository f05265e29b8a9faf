import { finding, type Detector } from '../types';

export const deadChannel: Detector = {
  id: 'dead-channel',
  plane: 'channel-layout',
  description: 'One channel silent while another carries the signal.',
  detect({ m }) {
    const dead = m.layout.deadChannels;
    if (m.channelCount < 2 || dead.length === 0 || dead.length === m.channelCount) return null;
    return finding(
      this,
      'critical',
      `Channel${dead.length > 1 ? 's' : ''} ${dead.join(', ')} ${dead.length > 1 ? 'are' : 'is'} silent (below −90 dBFS) while the other${m.channelCount - dead.length > 1 ? 's carry' : ' carries'} the speech.`,
      'A pipeline that picks one channel, or a listener on one side of a headset, gets nothing: check the capture device\'s channel map and any channel-select step.',
      { deadChannels: dead.join(','), channels: m.channelCount },
    );
  },
};
