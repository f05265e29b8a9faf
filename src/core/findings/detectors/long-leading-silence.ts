import { finding, type Detector } from '../types';

export const longLeadingSilence: Detector = {
  id: 'long-leading-silence',
  plane: 'vad-endpointing',
  description: 'A long wait before the first speech: endpointing delay or a wrong trigger.',
  detect({ m, t }) {
    const lead = m.vad.firstSpeechSec;
    if (lead === null || lead < t.leadingSilenceWarnSec) return null;
    return finding(
      this,
      'warn',
      `${lead.toFixed(2)} s pass before the first speech.`,
      'Check what starts the recording (wake word, button, barge-in) and whether a prompt was still playing; long leading silence adds latency and can time out endpointers.',
      { leadingSilenceSec: lead },
      [{ startSec: 0, endSec: lead }],
    );
  },
};
