/**
 * Every detector at its threshold edges: the measurements of a clean synthetic recording, with
 * the one number a detector reads moved to just above and just below its threshold. The corpus
 * test checks the measurements on real impaired audio; this checks the decisions.
 */
import { describe, expect, it } from 'vitest';
import { analyzePcm, type Measurements } from '../../../src/core/analyze';
import { DETECTORS } from '../../../src/core/findings/registry';
import { DEFAULT_THRESHOLDS as T, type FindingThresholds } from '../../../src/core/findings/thresholds';
import type { Finding } from '../../../src/core/summary/types';
import { fixture } from '../frames/signals';

// A clean real recording (8 kHz telephony prompt) that raises nothing.
const SOURCE = fixture('speech/asterisk/agent-pass.wav');
const SR = SOURCE.sampleRateHz;
const BASE: Measurements = analyzePcm({ sampleRateHz: SR, channels: [SOURCE.samples] });
const SEGMENT = BASE.vad.segments[0];

function detect(id: string, edit: (m: Measurements) => void, opts: { rate?: number; t?: Partial<FindingThresholds> } = {}): Finding | null {
  const m = structuredClone(BASE);
  edit(m);
  const d = DETECTORS.find((x) => x.id === id);
  if (!d) throw new Error(`no detector ${id}`);
  return d.detect({ declaredSampleRateHz: opts.rate ?? m.sampleRateHz, codec: 'pcm-s16', m, t: { ...T, ...opts.t } });
}

const sev = (f: Finding | null): string => f?.severity ?? 'none';
/** The next representable-ish value above / below x (relative 1e-9). */
const up = (x: number): number => x + 1e-9 * Math.max(1, Math.abs(x));
const down = (x: number): number => x - 1e-9 * Math.max(1, Math.abs(x));

describe('detector threshold edges', () => {
  it('the clean base raises nothing', () => {
    const fired = DETECTORS.map((d) => d.detect({ declaredSampleRateHz: SR, codec: 'pcm-s16', m: BASE, t: T })).filter(Boolean);
    expect(fired).toEqual([]);
  });

  it('clipping: warn from clippingWarnRatio, critical from clippingCriticalRatio, needs a run', () => {
    const at = (ratio: number, runs = 5) => detect('clipping', (m) => Object.assign(m.clipping, { ratio, runs, clippedSamples: 100 }));
    expect(sev(at(down(T.clippingWarnRatio)))).toBe('none');
    expect(sev(at(T.clippingWarnRatio))).toBe('warn');
    expect(sev(at(down(T.clippingCriticalRatio)))).toBe('warn');
    expect(sev(at(T.clippingCriticalRatio))).toBe('critical');
    expect(sev(at(T.clippingCriticalRatio, T.clippingMinRuns - 1))).toBe('none');
  });

  it('upstream-clipping follows the flat-top test', () => {
    expect(sev(detect('upstream-clipping', (m) => Object.assign(m.clipping.flatTop, { detected: true, levelDbfs: -6, samples: 900, runs: 120 })))).toBe('warn');
    expect(sev(detect('upstream-clipping', (m) => Object.assign(m.clipping.flatTop, { detected: false })))).toBe('none');
  });

  it('low-level: warn below lowLevelWarnDbfs, critical below lowLevelCriticalDbfs', () => {
    const at = (db: number) => detect('low-level', (m) => (m.levels.activeSpeechLevelDbfs = db));
    expect(sev(at(T.lowLevelWarnDbfs))).toBe('none');
    expect(sev(at(down(T.lowLevelWarnDbfs)))).toBe('warn');
    expect(sev(at(T.lowLevelCriticalDbfs))).toBe('warn');
    expect(sev(at(down(T.lowLevelCriticalDbfs)))).toBe('critical');
  });

  it('low-snr: warn below lowSnrWarnDb, critical below lowSnrCriticalDb, never on digital-silence noise', () => {
    const at = (db: number, digital = false) => detect('low-snr', (m) => Object.assign(m.snr, { db, noiseIsDigitalSilence: digital }));
    expect(sev(at(T.lowSnrWarnDb))).toBe('none');
    expect(sev(at(down(T.lowSnrWarnDb)))).toBe('warn');
    expect(sev(at(T.lowSnrCriticalDb))).toBe('warn');
    expect(sev(at(down(T.lowSnrCriticalDb)))).toBe('critical');
    expect(sev(at(0, true))).toBe('none');
    // No pauses to measure the noise in: WADA stands in only from lowSnrWadaFallbackSpeechRatio on.
    const noPauses = (ratio: number) =>
      detect('low-snr', (m) => (Object.assign(m.snr, { db: null, wadaDb: 3, noiseIsDigitalSilence: false }), (m.vad.speechRatio = ratio)));
    expect(sev(noPauses(T.lowSnrWadaFallbackSpeechRatio))).toBe('critical');
    expect(noPauses(T.lowSnrWadaFallbackSpeechRatio)?.evidence.estimate).toBe('wada');
    expect(sev(noPauses(down(T.lowSnrWadaFallbackSpeechRatio)))).toBe('none');
  });

  it('dc-offset: info from dcOffsetInfo, warn from dcOffsetWarn, either sign, worst channel', () => {
    const at = (dc: number) => detect('dc-offset', (m) => ((m.levels.dcOffset = dc), (m.channels[0].dcOffset = dc)));
    expect(sev(at(down(T.dcOffsetInfo)))).toBe('none');
    expect(sev(at(T.dcOffsetInfo))).toBe('info');
    expect(sev(at(-down(T.dcOffsetWarn)))).toBe('info');
    expect(sev(at(-T.dcOffsetWarn))).toBe('warn');
  });

  it('hum: needs humProminenceDb; warn within humWarnBelowSpeechDb of the speech, info further down', () => {
    const speech = -26;
    const at = (prominenceDb: number, lineDbfs: number) =>
      detect('hum', (m) => {
        m.levels.activeSpeechLevelDbfs = speech;
        m.diagnostics.hum = { mainsHz: 50, prominenceDb, blocks: 4, lines: [{ frequencyHz: 50, prominenceDb, levelDbfs: lineDbfs }] };
      });
    expect(sev(at(down(T.humProminenceDb), -30))).toBe('none');
    expect(sev(at(T.humProminenceDb, speech - T.humWarnBelowSpeechDb))).toBe('warn');
    expect(sev(at(T.humProminenceDb, speech - T.humWarnBelowSpeechDb - 0.01))).toBe('info');
    expect(sev(at(30, down(T.humMinLevelDbfs)))).toBe('none');
  });

  it('band-limited: below bandLimitedFraction of Nyquist, and names the rate it looks like', () => {
    // As if the file ran at 48 kHz (at 8 kHz there is no lower standard rate to point at).
    const at = (fraction: number) =>
      detect('band-limited', (m) => ((m.sampleRateHz = 48000), Object.assign(m.bandwidth, { fractionOfNyquist: fraction, effectiveHz: fraction * 24000 })));
    expect(sev(at(T.bandLimitedFraction))).toBe('none');
    const f = at(down(T.bandLimitedFraction));
    expect(sev(f)).toBe('warn');
    expect(at(3900 / 24000)?.evidence.looksLikeRateHz).toBe(8000);
    expect(at(7500 / 24000)?.evidence.looksLikeRateHz).toBe(16000);
  });

  it('nonstandard-rate: any rate outside the common list', () => {
    expect(sev(detect('nonstandard-rate', () => {}, { rate: 16000 }))).toBe('none');
    expect(sev(detect('nonstandard-rate', () => {}, { rate: 16001 }))).toBe('warn');
    expect(sev(detect('nonstandard-rate', () => {}, { rate: 11000 }))?.valueOf()).toBe('warn');
  });

  it('channel layout detectors follow the layout kind and the level difference', () => {
    const stereo = (edit: (l: Measurements['layout']) => void) => (m: Measurements) => {
      m.channelCount = 2;
      m.layout = { kind: 'stereo', interChannelCorrelation: 0.3, levelDifferenceDb: 0, deadChannels: [], monoDownmixDeltaDb: -3 };
      edit(m.layout);
    };
    expect(sev(detect('dead-channel', stereo((l) => ((l.kind = 'dead-channel'), (l.deadChannels = [1])))))).toBe('critical');
    expect(sev(detect('dead-channel', stereo(() => {})))).toBe('none');
    expect(sev(detect('phase-inverted', stereo((l) => ((l.kind = 'phase-inverted'), (l.interChannelCorrelation = -0.99)))))).toBe('critical');
    const dual = (diff: number) => detect('dual-mono', stereo((l) => ((l.kind = 'dual-mono'), (l.interChannelCorrelation = 1), (l.levelDifferenceDb = diff))));
    expect(sev(dual(down(T.dualMonoMaxLevelDifferenceDb)))).toBe('info');
    expect(sev(dual(T.dualMonoMaxLevelDifferenceDb))).toBe('none');
    const imb = (diff: number) => detect('channel-imbalance', stereo((l) => (l.levelDifferenceDb = diff)));
    expect(sev(imb(down(T.imbalanceDb)))).toBe('none');
    expect(sev(imb(-T.imbalanceDb))).toBe('warn');
  });

  it('dropouts: dropoutMinRuns holes inside speech, both edges abrupt and loud', () => {
    const hole = (startSec: number, abrupt: number, edge: number) => ({
      startSec,
      durationSec: 0.02,
      abruptnessBefore: abrupt,
      abruptnessAfter: abrupt,
      edgeBeforeAbs: edge,
      edgeAfterAbs: edge,
    });
    const at = (n: number, abrupt = 0.6, edge = 0.05) =>
      detect('dropouts', (m) => {
        const from = SEGMENT.startSec + 0.2;
        const step = (SEGMENT.endSec - 0.2 - from) / (n + 1);
        m.diagnostics.zeroRuns = { runs: Array.from({ length: n }, (_, i) => hole(from + step * (i + 1), abrupt, edge)), totalRuns: n, minRunSec: 0.002 };
      });
    expect(sev(at(T.dropoutMinRuns - 1))).toBe('none');
    expect(sev(at(T.dropoutMinRuns))).not.toBe('none');
    expect(sev(at(T.dropoutMinRuns, down(T.dropoutAbruptness)))).toBe('none');
    expect(sev(at(T.dropoutMinRuns, 0.6, down(10 ** (T.dropoutMinEdgeDbfs / 20))))).toBe('none');
    // Before the first speech a hole is a pause, not a loss.
    const before = SEGMENT.startSec / 3;
    expect(sev(detect('dropouts', (m) => (m.diagnostics.zeroRuns = { runs: [hole(before, 0.6, 0.05), hole(before * 2, 0.6, 0.05)], totalRuns: 2, minRunSec: 0.002 })))).toBe('none');
  });

  it('echo: needs both echoMinHeight and echoMinScore', () => {
    const at = (h: number, s: number) => detect('echo', (m) => (m.diagnostics.echo = { delaySec: 0.15, peakHeight: h, peakScore: s, blocks: 10 }));
    expect(sev(at(T.echoMinHeight, T.echoMinScore))).toBe('warn');
    expect(sev(at(down(T.echoMinHeight), T.echoMinScore))).toBe('none');
    expect(sev(at(T.echoMinHeight, down(T.echoMinScore)))).toBe('none');
  });

  it('leading/trailing-speech-cut: raw speech within edgeSec of the edge and a loud edge', () => {
    const lead = (onset: number, below: number | null) =>
      detect('leading-speech-cut', (m) => ((m.diagnostics.firstRawSpeechSec = onset), (m.diagnostics.edgeBelowSpeechDb = { start: below, end: 40 })));
    expect(sev(lead(down(T.edgeSec), T.edgeMaxBelowSpeechDb))).toBe('warn');
    expect(sev(lead(T.edgeSec, 0))).toBe('none');
    expect(sev(lead(0, up(T.edgeMaxBelowSpeechDb)))).toBe('none');
    expect(sev(lead(0, null))).toBe('none');
    const trail = (endSec: number, below: number) =>
      detect('trailing-speech-cut', (m) => ((m.diagnostics.lastRawSpeechEndSec = endSec), (m.diagnostics.edgeBelowSpeechDb = { start: 40, end: below })));
    expect(sev(trail(up(BASE.durationSec - T.edgeSec), 3))).toBe('warn');
    expect(sev(trail(BASE.durationSec - T.edgeSec - 0.001, 3))).toBe('none');
  });

  it('long-leading-silence from leadingSilenceWarnSec; no-speech when the VAD finds nothing', () => {
    const at = (sec: number) => detect('long-leading-silence', (m) => (m.vad.firstSpeechSec = sec));
    expect(sev(at(down(T.leadingSilenceWarnSec)))).toBe('none');
    expect(sev(at(T.leadingSilenceWarnSec))).toBe('warn');
    expect(sev(detect('no-speech', (m) => (m.vad.segments = [])))).toBe('critical');
  });

  it('thresholds are overridable per run', () => {
    const f = detect('low-level', (m) => (m.levels.activeSpeechLevelDbfs = -30), { t: { lowLevelWarnDbfs: -28 } });
    expect(sev(f)).toBe('warn');
  });
});
