import { gaussian } from '../dsp/noise';
import { dbToGain, num, type Impairment } from './types';

export const padSilence: Impairment = {
  id: 'pad-silence',
  description: 'Add silence before and/or after the audio: a late trigger, a slow endpointer or a recorder left running.',
  params: {
    leadingSec: { kind: 'number', default: 3, min: 0, max: 600, unit: 's', label: 'Leading silence' },
    trailingSec: { kind: 'number', default: 0, min: 0, max: 600, unit: 's', label: 'Trailing silence' },
    noiseDbfs: { kind: 'number', default: -90, min: -120, max: -20, unit: 'dBFS', label: 'Room noise in the silence (−120 = digital zero)' },
  },
  apply(audio, p, rand) {
    const sr = audio.sampleRateHz;
    const lead = Math.round(num(p, 'leadingSec') * sr);
    const tail = Math.round(num(p, 'trailingSec') * sr);
    const noiseDbfs = num(p, 'noiseDbfs');
    const sigma = noiseDbfs <= -120 ? 0 : dbToGain(noiseDbfs);
    const g = gaussian(rand);
    const channels = audio.channels.map((x) => {
      const y = new Float32Array(lead + x.length + tail);
      if (sigma > 0) {
        for (let i = 0; i < lead; i++) y[i] = g() * sigma;
        for (let i = lead + x.length; i < y.length; i++) y[i] = g() * sigma;
      }
      y.set(x, lead);
      return y;
    });
    return { sampleRateHz: sr, channels };
  },
};
