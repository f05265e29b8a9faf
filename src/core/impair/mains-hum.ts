import { activeLevelRms } from './level';
import { dbToGain, mapChannels, num, type Impairment } from './types';

/** Harmonic amplitudes of a rectified-mains-like hum, relative to the fundamental. */
const HARMONICS = [1, 0.5, 0.3, 0.15];

export const mainsHum: Impairment = {
  id: 'mains-hum',
  description: 'Add mains hum (fundamental and three harmonics): a ground loop or an unshielded cable.',
  params: {
    mainsHz: { kind: 'number', default: 50, min: 40, max: 70, unit: 'Hz', label: 'Mains frequency' },
    levelDb: { kind: 'number', default: -15, min: -80, max: 0, unit: 'dB re speech', label: 'Hum level relative to the speech' },
  },
  apply(audio, p, rand) {
    const f0 = num(p, 'mainsHz');
    // RMS of the hum (all harmonics) relative to the active speech RMS.
    const targetRms = activeLevelRms(audio) * dbToGain(num(p, 'levelDb'));
    const norm = Math.sqrt(HARMONICS.reduce((a, h) => a + (h * h) / 2, 0));
    const phase0 = rand() * 2 * Math.PI;
    const sr = audio.sampleRateHz;
    return mapChannels(audio, (x) =>
      x.map((v, i) => {
        let hum = 0;
        for (let k = 0; k < HARMONICS.length; k++) hum += HARMONICS[k] * Math.sin(2 * Math.PI * f0 * (k + 1) * (i / sr) + (k + 1) * phase0);
        return v + (hum / norm) * targetRms;
      }),
    );
  },
};
