import { dbToGain, mapChannels, num, type Impairment } from './types';

export const clipThenAttenuate: Impairment = {
  id: 'clip-then-attenuate',
  description: 'Clip at full scale, then turn the result down: clipped upstream (e.g. in a phone or a gateway) before a later gain stage.',
  params: {
    driveDb: { kind: 'number', default: 12, min: 0, max: 40, unit: 'dB', label: 'Drive into the clipper' },
    attenuationDb: { kind: 'number', default: 6, min: 0.5, max: 40, unit: 'dB', label: 'Attenuation after clipping' },
  },
  apply(audio, p) {
    const drive = dbToGain(num(p, 'driveDb'));
    const after = dbToGain(-num(p, 'attenuationDb'));
    return mapChannels(audio, (x) => x.map((v) => Math.max(-1, Math.min(1, v * drive)) * after));
  },
};
