import { finding, type Detector } from '../types';

export const lowSnr: Detector = {
  id: 'low-snr',
  plane: 'noise',
  description: 'Speech-to-noise ratio below a usable level.',
  detect({ m, t }) {
    // Active-speech SNR needs pauses to measure the noise in. When the VAD hears speech nearly
    // everywhere (babble, a talker who never stops) there are none: WADA-SNR, a global estimate
    // from the amplitude distribution of the mono mix, stands in — except where that estimate is
    // known to break: a large DC offset, or channels that cancel in the mix.
    const wadaUsable = Math.abs(m.levels.dcOffset) < t.dcOffsetWarn && m.layout.kind !== 'phase-inverted';
    const noPauses = m.snr.db === null && wadaUsable && m.vad.speechRatio >= t.lowSnrWadaFallbackSpeechRatio;
    const snr = m.snr.db ?? (noPauses ? m.snr.wadaDb : null);
    if (snr === null || m.snr.noiseIsDigitalSilence || snr >= t.lowSnrWarnDb) return null;
    const severity = snr < t.lowSnrCriticalDb ? 'critical' : 'warn';
    return finding(
      this,
      severity,
      noPauses
        ? `Speech is only about ${snr.toFixed(1)} dB above the noise (WADA estimate: the VAD hears speech in ${(m.vad.speechRatio * 100).toFixed(0)} % of the file, so there are no pauses to measure the noise in — often babble).`
        : `Speech is only ${snr.toFixed(1)} dB above the background (WADA estimate ${m.snr.wadaDb === null ? '–' : m.snr.wadaDb.toFixed(1)} dB).`,
      'Compare with clean cohorts: noisy environment, noise suppression switched off or a new capture device; expect higher WER and VAD false alarms.',
      { snrDb: snr, estimate: noPauses ? 'wada' : 'active-speech', wadaSnrDb: m.snr.wadaDb, noiseDbfs: m.snr.noiseDbfs },
    );
  },
};
