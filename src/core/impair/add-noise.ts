import { gaussian, pinkFrom, whiteFrom } from '../dsp/noise';
import { activeLevelRms } from './level';
import { dbToGain, mapChannels, num, str, type Impairment } from './types';

const BABBLE_TALKERS = 6;

/**
 * Babble from the recording itself: the mono mix circularly shifted to several random offsets
 * and summed, so it has speech's spectrum and modulation without any other file.
 */
function babble(mono: Float32Array, rand: () => number): Float32Array {
  const n = mono.length;
  const out = new Float32Array(n);
  for (let t = 0; t < BABBLE_TALKERS; t++) {
    const shift = Math.floor(rand() * n);
    for (let i = 0; i < n; i++) out[i] += mono[(i + shift) % n];
  }
  return out;
}

const rms = (x: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, x.length));
};

export const addNoise: Impairment = {
  id: 'add-noise',
  description: 'Add noise at a target SNR (active speech RMS over noise RMS): a noisy room, a fan, a crowd.',
  params: {
    snrDb: { kind: 'number', default: 5, min: -20, max: 60, unit: 'dB', label: 'SNR' },
    kind: { kind: 'choice', default: 'white', options: ['white', 'pink', 'babble'], label: 'Noise' },
  },
  apply(audio, p, rand) {
    const kind = str(p, 'kind');
    const n = audio.channels[0]?.length ?? 0;
    const speechRms = activeLevelRms(audio);
    const g = gaussian(rand);
    let mono: Float32Array | null = null;
    if (kind === 'babble') {
      mono = new Float32Array(n);
      for (const x of audio.channels) for (let i = 0; i < n; i++) mono[i] += x[i] / audio.channels.length;
    } else if (kind !== 'white' && kind !== 'pink') throw new RangeError(`unknown noise kind ${kind}`);
    return mapChannels(audio, (x) => {
      const noise = kind === 'white' ? whiteFrom(g, n) : kind === 'pink' ? pinkFrom(g, n) : babble(mono as Float32Array, rand);
      const scale = rms(noise) > 0 ? (speechRms * dbToGain(-num(p, 'snrDb'))) / rms(noise) : 0;
      return x.map((v, i) => v + noise[i] * scale);
    });
  },
};
