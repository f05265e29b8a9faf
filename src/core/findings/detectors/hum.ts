import { powerToDb } from '../../dsp/db';
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
    const humDbfs = powerToDb(lines.reduce((a, l) => a + 10 ** (l.levelDbfs / 10), 0));
    const speechDbfs = m.levels.activeSpeechLevelDbfs ?? m.snr.speechDbfs;
    // Severity by how close the hum comes to the speech: within humWarnBelowSpeechDb it competes
    // with the voice's own low harmonics and fills every pause; further down it is a note.
    const relDb = speechDbfs === null ? null : humDbfs - speechDbfs;
    const warn = relDb === null || relDb >= -t.humWarnBelowSpeechDb;
    const where = lines.map((l) => `${l.frequencyHz} Hz`).join(', ');
    return finding(
      this,
      warn ? 'warn' : 'info',
      `Mains hum: a steady line at ${where} stands ${h.prominenceDb.toFixed(1)} dB above its neighbourhood; together ${humDbfs.toFixed(1)} dBFS${relDb === null ? '' : `, ${(-relDb).toFixed(1)} dB below the speech`}.`,
      `Check for a ground loop, an unbalanced cable or a USB-powered interface on ${h.mainsHz} Hz mains; a high-pass at 80–100 Hz removes most of it.`,
      {
        mainsHz: h.mainsHz,
        prominenceDb: h.prominenceDb,
        humDbfs,
        belowSpeechDb: relDb === null ? null : -relDb,
        loudestLineHz: loudest.frequencyHz,
        loudestLineDbfs: loudest.levelDbfs,
      },
    );
  },
};
