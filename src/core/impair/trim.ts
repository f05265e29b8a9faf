import { num, type Impairment } from './types';

export const trim: Impairment = {
  id: 'trim',
  description: 'Cut audio off the start and/or end: an endpointer or a recorder that started late or stopped early.',
  params: {
    startSec: { kind: 'number', default: 0, min: 0, max: 3600, unit: 's', label: 'Cut from the start' },
    endSec: { kind: 'number', default: 0, min: 0, max: 3600, unit: 's', label: 'Cut from the end' },
  },
  apply(audio, p) {
    const n = audio.channels[0]?.length ?? 0;
    const a = Math.min(n, Math.round(num(p, 'startSec') * audio.sampleRateHz));
    const b = Math.max(a, n - Math.round(num(p, 'endSec') * audio.sampleRateHz));
    return { sampleRateHz: audio.sampleRateHz, channels: audio.channels.map((x) => x.slice(a, b)) };
  },
};
