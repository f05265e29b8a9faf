import { dbToGain, mapChannels, num, type Impairment } from './types';

export const gain: Impairment = {
  id: 'gain',
  description: 'Change the level: a quiet speaker, a far microphone or a wrong input gain.',
  params: { gainDb: { kind: 'number', default: -30, min: -120, max: 40, unit: 'dB', label: 'Gain' } },
  apply(audio, p) {
    const g = dbToGain(num(p, 'gainDb'));
    return mapChannels(audio, (x) => x.map((v) => v * g));
  },
};
