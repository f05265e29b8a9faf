import { finding, type Detector } from '../types';

export const echo: Detector = {
  id: 'echo',
  plane: 'echo',
  description: 'A delayed copy of the speech (cepstral peak at 20–450 ms).',
  detect({ m, t }) {
    const e = m.diagnostics.echo;
    if (e.delaySec === null || e.peakHeight === null || e.peakScore === null) return null;
    if (e.peakHeight < t.echoMinHeight || e.peakScore < t.echoMinScore) return null;
    return finding(
      this,
      'warn',
      `A copy of the signal returns ${(e.delaySec * 1000).toFixed(0)} ms later (cepstral peak ${e.peakHeight.toFixed(2)}, score ${e.peakScore.toFixed(0)}): echo.`,
      'Check acoustic echo cancellation on the far end (speakerphone, laptop without AEC), a monitor/sidetone path mixed into the capture, or a double-mixed conference bridge.',
      { delayMs: e.delaySec * 1000, peakHeight: e.peakHeight, peakScore: e.peakScore },
    );
  },
};
