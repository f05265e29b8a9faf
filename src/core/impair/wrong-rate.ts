import { num, type Impairment } from './types';

export const wrongRate: Impairment = {
  id: 'wrong-rate',
  description: 'Relabel the samples with another rate: audio played (or declared) at the wrong sample rate, so it sounds fast/high or slow/low.',
  params: { declaredRateHz: { kind: 'number', default: 16000, min: 1000, max: 192000, unit: 'Hz', label: 'Declared rate' } },
  apply(audio, p) {
    return { sampleRateHz: Math.round(num(p, 'declaredRateHz')), channels: audio.channels.map((x) => x.slice()) };
  },
};
