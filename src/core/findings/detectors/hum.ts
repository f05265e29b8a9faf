import { finding, type Detector } from '../types';

export const hum: Detector = {
  id: 'hum',
  plane: 'microphone',
  description: 'Mains hum at 50 or 60 Hz and its harmonics.',
  detect({ m, t }) {
    const h = m.diagnostics.hum;
    if (h.mainsHz === null || h.prominenceDb === null || h.prominenceDb < t.humProminenceDb) return null;
    const lines = h.lines.filter((l) => l.prominenceDb >= t.humProminenceDb && l.levelDbfs >= t.humMinLevelDbfs);
    if (lines.length === 0) return null;
    const loudest = lines.reduce((a, b) => (b.levelDbfs > a.levelDbfs ? b : a));
    return finding(
      this,
      'warn',
      `Mains hum: a steady line at ${lines.map((l) => `${l.frequencyHz} Hz`).join(', ')} stands ${h.prominenceDb.toFixed(1)} dB above its neighbourhood (loudest ${loudest.levelDbfs.toFixed(1)} dBFS).`,
      `Check for a ground loop, an unbalanced cable or a USB-powered interface on ${h.mainsHz} Hz mains; a high-pass at 80–100 Hz removes most of it.`,
      { mainsHz: h.mainsHz, prominenceDb: h.prominenceDb, loudestLineHz: loudest.frequencyHz, loudestLineDbfs: loudest.levelDbfs },
    );
  },
};
