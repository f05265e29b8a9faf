import { finding, type Detector } from '../types';

export const leadingSpeechCut: Detector = {
  id: 'leading-speech-cut',
  plane: 'vad-endpointing',
  description: 'Speech already active at the first frame: the first word was probably cut.',
  detect({ m }) {
    if (!m.diagnostics.speechAtStart) return null;
    return finding(
      this,
      'warn',
      'Speech is already under way in the very first frame: the recording starts mid-word, so the first word is probably clipped.',
      'Check the endpointer or VAD start threshold and its pre-roll buffer, push-to-talk timing, and whether a client trims leading audio; quiet speakers are cut first.',
      { firstSpeechSec: m.vad.firstSpeechSec },
      [{ startSec: 0, endSec: Math.min(m.durationSec, 0.5) }],
    );
  },
};
