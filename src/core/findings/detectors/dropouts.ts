import type { ZeroRun } from '../../dropouts/zero-runs';
import type { TimeRange } from '../../types';
import { finding, type Detector } from '../types';

/** A run length near a codec frame size (multiples of 10 ms, ±0.6 ms) hints at whole lost packets. */
const isFrameSized = (sec: number): boolean => {
  const ms = sec * 1000;
  const nearest = Math.round(ms / 10) * 10;
  return nearest >= 10 && Math.abs(ms - nearest) <= 0.6;
};

function inside(run: ZeroRun, segments: TimeRange[], marginSec: number): boolean {
  const end = run.startSec + run.durationSec;
  return segments.some((s) => run.startSec > s.startSec + marginSec && end < s.endSec - marginSec);
}

export const dropouts: Detector = {
  id: 'dropouts',
  plane: 'packet-loss',
  description: 'Holes of digital silence cut into speech with abrupt edges on both sides: lost packets filled with zeros.',
  detect({ m, t }) {
    const runs = m.diagnostics.zeroRuns.runs.filter(
      (r) => r.durationSec <= t.dropoutMaxRunSec && inside(r, m.vad.segments, m.vad.settings.padSec),
    );
    // A lost packet cuts the waveform on both sides; TTS and codecs fade into their zeros on at
    // least one side (a plosive may start abruptly after a stop closure, but it decays into it).
    const minEdge = 10 ** (t.dropoutMinEdgeDbfs / 20);
    const abrupt = runs.filter(
      (r) => Math.min(r.abruptnessBefore, r.abruptnessAfter) >= t.dropoutAbruptness && Math.min(r.edgeBeforeAbs, r.edgeAfterAbs) >= minEdge,
    );
    if (abrupt.length < t.dropoutMinRuns) return null;
    const frameSized = abrupt.filter((r) => isFrameSized(r.durationSec)).length;
    const speechSec = m.vad.segments.reduce((a, s) => a + s.endSec - s.startSec, 0);
    const lostSec = abrupt.reduce((a, r) => a + r.durationSec, 0);
    const durations = abrupt.map((r) => r.durationSec).sort((a, b) => a - b);
    const medianMs = durations[Math.floor(durations.length / 2)] * 1000;
    return finding(
      this,
      abrupt.length >= 5 || lostSec / Math.max(speechSec, 1e-9) > 0.02 ? 'critical' : 'warn',
      `${abrupt.length} holes of exact silence cut into speech with hard edges on both sides (median ${medianMs.toFixed(1)} ms, ${frameSized} of them whole 10 ms multiples): this looks like lost packets filled with zeros.`,
      'Check jitter-buffer and packet-loss counters for this session (RTP sequence gaps, PLC disabled), and the network leg; a codec with concealment would repeat or fade instead.',
      { holes: abrupt.length, medianHoleMs: medianMs, frameSizedHoles: frameSized, lostSec, gentleZeroRuns: runs.length - abrupt.length },
      abrupt.slice(0, 200).map((r) => ({ startSec: r.startSec, endSec: r.startSec + r.durationSec })),
    );
  },
};
