import { finding, type Detector } from '../types';

export const trailingSpeechCut: Detector = {
  id: 'trailing-speech-cut',
  plane: 'vad-endpointing',
  description: 'Speech still active at the last frame: the recording was truncated.',
  detect({ m }) {
    if (!m.diagnostics.speechAtEnd) return null;
    return finding(
      this,
      'warn',
      'Speech is still going in the last frame: the recording stops mid-word, so the end of the utterance is missing.',
      'Check the endpointer\'s end-of-speech timeout, a maximum-duration cap, upload truncation, and streaming finalisation that drops the last chunk.',
      { lastSpeechEndSec: m.vad.lastSpeechEndSec, durationSec: m.durationSec },
      [{ startSec: Math.max(0, m.durationSec - 0.5), endSec: m.durationSec }],
    );
  },
};
