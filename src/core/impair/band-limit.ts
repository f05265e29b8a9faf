import { resampleChannel } from '../dsp/resample';
import { mapChannels, num, type Impairment } from './types';

export const bandLimit: Impairment = {
  id: 'band-limit',
  description: 'Resample down to a lower rate and back up: audio that passed through an 8 kHz (or 16 kHz) leg and was upsampled again.',
  params: { viaRateHz: { kind: 'number', default: 8000, min: 2000, max: 96000, unit: 'Hz', label: 'Rate it passed through' } },
  apply(audio, p) {
    const via = num(p, 'viaRateHz');
    const sr = audio.sampleRateHz;
    if (via >= sr) return mapChannels(audio, (x) => x.slice());
    return mapChannels(audio, (x) => {
      const up = resampleChannel(resampleChannel(x, sr, via), via, sr);
      // Keep the length exactly (rounding in the two conversions can lose a sample or two).
      const out = new Float32Array(x.length);
      out.set(up.subarray(0, Math.min(up.length, x.length)));
      return out;
    });
  },
};
