import { mapChannels, num, type Impairment } from './types';

export const dcOffset: Impairment = {
  id: 'dc-offset',
  description: 'Add a constant bias: a converter or preamp with DC on its output.',
  params: { offset: { kind: 'number', default: 0.05, min: -0.5, max: 0.5, unit: 'FS', label: 'Offset' } },
  apply(audio, p) {
    const d = num(p, 'offset');
    return mapChannels(audio, (x) => x.map((v) => v + d));
  },
};
