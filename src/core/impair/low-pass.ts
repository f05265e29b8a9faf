import { lowPassChannel } from '../dsp/resample';
import { mapChannels, num, type Impairment } from './types';

export const lowPass: Impairment = {
  id: 'low-pass',
  description: 'Cut everything above a frequency: a narrowband codec, a cheap headset or a telephone line (3.4 kHz).',
  params: { cutoffHz: { kind: 'number', default: 3400, min: 200, max: 48000, unit: 'Hz', label: 'Cutoff' } },
  apply(audio, p) {
    const cutoff = num(p, 'cutoffHz');
    return mapChannels(audio, (x) => lowPassChannel(x, audio.sampleRateHz, cutoff));
  },
};
