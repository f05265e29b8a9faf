import { finding, fmtDb, type Detector } from '../types';

export const lowLevel: Detector = {
  id: 'low-level',
  plane: 'microphone',
  description: 'Speech level far below normal: a quiet speaker, a far microphone or a wrong gain setting.',
  detect({ m, t }) {
    const level = m.levels.activeSpeechLevelDbfs ?? m.snr.speechDbfs;
    if (level === null || m.vad.segments.length === 0) return null;
    if (level >= t.lowLevelWarnDbfs) return null;
    const severity = level < t.lowLevelCriticalDbfs ? 'critical' : 'warn';
    return finding(
      this,
      severity,
      `Active speech level is ${fmtDb(level)} dBFS, ${(-26 - level).toFixed(0)} dB below the nominal −26 dBFS: the speaker is very quiet in this file.`,
      'Check the microphone gain and distance, a mute/attenuate step in the client, and whether a fixed-level VAD gate or endpointer would drop this speaker.',
      { activeSpeechLevelDbfs: level, warnBelowDbfs: t.lowLevelWarnDbfs },
    );
  },
};
