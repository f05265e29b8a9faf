import { resampleChannel } from '../dsp/resample';
import { num, type Impairment } from './types';

export const resample: Impairment = {
  id: 'resample',
  description: 'Convert to another sample rate (properly band-limited): e.g. 8 kHz telephony delivered as a 48 kHz file.',
  params: { toRateHz: { kind: 'number', default: 48000, min: 2000, max: 192000, unit: 'Hz', label: 'New rate' } },
  apply(audio, p) {
    const to = Math.round(num(p, 'toRateHz'));
    return { sampleRateHz: to, channels: audio.channels.map((x) => resampleChannel(x, audio.sampleRateHz, to)) };
  },
};
