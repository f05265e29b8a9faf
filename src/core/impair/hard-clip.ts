import { dbToGain, mapChannels, num, type Impairment } from './types';

export const hardClip: Impairment = {
  id: 'hard-clip',
  description: 'Drive the signal into full scale: too much input gain ahead of the converter.',
  params: { driveDb: { kind: 'number', default: 12, min: 0, max: 40, unit: 'dB', label: 'Drive above the original level' } },
  apply(audio, p) {
    const g = dbToGain(num(p, 'driveDb'));
    return mapChannels(audio, (x) => x.map((v) => Math.max(-1, Math.min(1, v * g))));
  },
};
