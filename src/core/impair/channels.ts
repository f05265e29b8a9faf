import { dbToGain, num, str, type Impairment } from './types';

export const channels: Impairment = {
  id: 'channels',
  description:
    'Rewire the channels: duplicate mono to stereo, swap, invert one channel (polarity), kill one channel, or turn one down (imbalance). Mono input is duplicated to stereo first.',
  params: {
    op: { kind: 'choice', default: 'invert', options: ['duplicate', 'swap', 'invert', 'kill', 'imbalance'], label: 'Operation' },
    channel: { kind: 'number', default: 1, min: 0, max: 1, unit: '', label: 'Channel it applies to (0 = left, 1 = right)' },
    imbalanceDb: { kind: 'number', default: 6, min: 0, max: 60, unit: 'dB', label: 'Level drop for imbalance' },
  },
  apply(audio, p) {
    const op = str(p, 'op');
    const target = Math.round(num(p, 'channel'));
    const src = audio.channels.length === 1 ? [audio.channels[0], audio.channels[0]] : audio.channels;
    if (target < 0 || target >= src.length) throw new RangeError(`channel ${target} does not exist`);
    const out = src.map((x) => x.slice());
    switch (op) {
      case 'duplicate':
        break;
      case 'swap':
        [out[0], out[1]] = [out[1], out[0]];
        break;
      case 'invert':
        out[target] = out[target].map((v) => -v);
        break;
      case 'kill':
        out[target].fill(0);
        break;
      case 'imbalance': {
        const g = dbToGain(-num(p, 'imbalanceDb'));
        out[target] = out[target].map((v) => v * g);
        break;
      }
      default:
        throw new RangeError(`unknown channel operation ${op}`);
    }
    return { sampleRateHz: audio.sampleRateHz, channels: out };
  },
};
