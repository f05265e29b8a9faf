import { finding, type Detector } from '../types';

const EXPECTED_RATES_HZ = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000, 176400, 192000];

export const nonstandardRate: Detector = {
  id: 'nonstandard-rate',
  plane: 'sample-rate',
  description: 'A declared sample rate no speech pipeline expects.',
  detect({ declaredSampleRateHz }) {
    if (EXPECTED_RATES_HZ.includes(declaredSampleRateHz)) return null;
    const nearest = EXPECTED_RATES_HZ.reduce((a, b) => (Math.abs(b - declaredSampleRateHz) < Math.abs(a - declaredSampleRateHz) ? b : a));
    return finding(
      this,
      'warn',
      `The header declares ${declaredSampleRateHz} Hz, which no common speech pipeline uses (nearest standard: ${nearest} Hz).`,
      'Check the writer of this file: a wrong rate in the header plays the audio at the wrong speed and pitch, and resamplers downstream will take it at its word.',
      { declaredSampleRateHz, nearestStandardHz: nearest },
    );
  },
};
