import { finding, type Detector } from '../types';

export const trailingSpeechCut: Detector = {
  id: 'trailing-speech-cut',
  plane: 'vad-endpointing',
  description: 'Speech still under way at the end of the file: the recording was truncated.',
  detect({ m, t }) {
    const offset = m.diagnostics.lastRawSpeechEndSec;
    if (offset === null) return null;
    const tailSec = Math.max(0, m.durationSec - offset);
    if (tailSec >= t.edgeSec) return null;
    const belowDb = m.diagnostics.edgeBelowSpeechDb.end;
    if (belowDb === null || belowDb > t.edgeMaxBelowSpeechDb) return null;
    return finding(
      this,
      'warn',
      `The VAD still hears speech ${(tailSec * 1000).toFixed(0)} ms before the file ends (less than ${(t.edgeSec * 1000).toFixed(0)} ms of tail), still within ${Math.max(0, belowDb).toFixed(0)} dB of full speech level: the recording stops mid-word, so the end of the utterance is missing.`,
      'Check the endpointer\'s end-of-speech timeout, a maximum-duration cap, upload truncation, and streaming finalisation that drops the last chunk.',
      { lastRawSpeechEndSec: offset, durationSec: m.durationSec, edgeBelowSpeechDb: belowDb, edgeSec: t.edgeSec },
      [{ startSec: Math.max(0, m.durationSec - 0.5), endSec: m.durationSec }],
    );
  },
};
