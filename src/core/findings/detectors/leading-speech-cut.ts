import { finding, type Detector } from '../types';

export const leadingSpeechCut: Detector = {
  id: 'leading-speech-cut',
  plane: 'vad-endpointing',
  description: 'Speech already under way at the start of the file: the first word was probably cut.',
  detect({ m, t }) {
    const onset = m.diagnostics.firstRawSpeechSec;
    if (onset === null || onset >= t.edgeSec) return null;
    const belowDb = m.diagnostics.edgeBelowSpeechDb.start;
    if (belowDb === null || belowDb > t.edgeMaxBelowSpeechDb) return null;
    return finding(
      this,
      'warn',
      `The VAD hears speech ${(onset * 1000).toFixed(0)} ms after the file starts (less than ${(t.edgeSec * 1000).toFixed(0)} ms of lead-in), already within ${Math.max(0, belowDb).toFixed(0)} dB of full speech level: the recording starts mid-word, so the first word is probably clipped.`,
      'Check the endpointer or VAD start threshold and its pre-roll buffer, push-to-talk timing, and whether a client trims leading audio; quiet speakers are cut first.',
      { firstRawSpeechSec: onset, edgeBelowSpeechDb: belowDb, edgeSec: t.edgeSec },
      [{ startSec: 0, endSec: Math.min(m.durationSec, 0.5) }],
    );
  },
};
