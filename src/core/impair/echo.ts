import { dbToGain, mapChannels, num, type Impairment } from './types';

export const echo: Impairment = {
  id: 'echo',
  description: 'Add a delayed, attenuated copy (and its repeats): far-end echo the echo canceller did not remove, or a reflective room.',
  params: {
    delayMs: { kind: 'number', default: 150, min: 1, max: 2000, unit: 'ms', label: 'Delay' },
    decayDb: { kind: 'number', default: -6, min: -60, max: -0.5, unit: 'dB', label: 'Echo level per repeat' },
    repeats: { kind: 'number', default: 1, min: 1, max: 10, unit: '', label: 'Repeats' },
  },
  apply(audio, p) {
    const delay = Math.max(1, Math.round((num(p, 'delayMs') / 1000) * audio.sampleRateHz));
    const g = dbToGain(num(p, 'decayDb'));
    const repeats = Math.round(num(p, 'repeats'));
    return mapChannels(audio, (x) => {
      const y = x.slice();
      for (let r = 1; r <= repeats; r++) {
        const gr = g ** r;
        for (let i = r * delay; i < x.length; i++) y[i] += gr * x[i - r * delay];
      }
      return y;
    });
  },
};
