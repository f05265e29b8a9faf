import { finding, type Detector } from '../types';

export const lowSnr: Detector = {
  id: 'low-snr',
  plane: 'noise',
  description: 'Active-speech SNR below a usable level.',
  detect({ m, t }) {
    const snr = m.snr.db;
    if (snr === null || m.snr.noiseIsDigitalSilence || snr >= t.lowSnrWarnDb) return null;
    const severity = snr < t.lowSnrCriticalDb ? 'critical' : 'warn';
    return finding(
      this,
      severity,
      `Speech is only ${snr.toFixed(1)} dB above the background (WADA estimate ${m.snr.wadaDb === null ? '–' : m.snr.wadaDb.toFixed(1)} dB).`,
      'Compare with clean cohorts: noisy environment, noise suppression switched off or a new capture device; expect higher WER and VAD false alarms.',
      { snrDb: snr, wadaSnrDb: m.snr.wadaDb, noiseDbfs: m.snr.noiseDbfs },
    );
  },
};
