import { finding, type Detector } from '../types';

const STANDARD_RATES_HZ = [8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 96000];

/** The lowest standard rate whose Nyquist frequency holds the measured bandwidth. */
export function looksLikeRateHz(effectiveHz: number): number {
  return STANDARD_RATES_HZ.find((r) => r / 2 >= effectiveHz * 0.95) ?? STANDARD_RATES_HZ[STANDARD_RATES_HZ.length - 1];
}

export const bandLimited: Detector = {
  id: 'band-limited',
  plane: 'sample-rate',
  description: 'Effective bandwidth far below Nyquist: upsampled from a lower rate, or a narrowband codec on the path.',
  detect({ m, t }) {
    const { effectiveHz, fractionOfNyquist } = m.bandwidth;
    if (effectiveHz === null || fractionOfNyquist === null || fractionOfNyquist >= t.bandLimitedFraction) return null;
    const looksLike = looksLikeRateHz(effectiveHz);
    if (looksLike >= m.sampleRateHz) return null;
    return finding(
      this,
      'warn',
      `Nothing above ${(effectiveHz / 1000).toFixed(1)} kHz although the file runs at ${m.sampleRateHz / 1000} kHz (${(fractionOfNyquist * 100).toFixed(0)} % of Nyquist): it looks like ${looksLike / 1000} kHz audio that was upsampled, or a narrowband codec on the path.`,
      `Find where the ${looksLike / 1000} kHz leg is (telephony bridge, Bluetooth HFP, a low-bitrate codec, a resampler that low-passes); models trained on wideband speech lose accuracy on it.`,
      { effectiveHz, fractionOfNyquist, looksLikeRateHz: looksLike },
    );
  },
};
