import type { Summary } from '../core/summary/types';

const db = (x: number | null, unit = 'dBFS'): string => (x === null ? `-inf ${unit}` : `${x.toFixed(2)} ${unit}`);
const pct = (ratio: number): string => `${(ratio * 100).toFixed(2)} %`;
const sec = (x: number | null): string => (x === null ? '–' : `${x.toFixed(3)} s`);
const num = (x: number | null, digits = 2): string => (x === null ? '–' : x.toFixed(digits));

/** A readable, aligned report for terminals. The JSON output carries the same numbers. */
export function formatSummaryTable(label: string, s: Summary): string {
  const src = s.source;
  const rows: Array<[string, string]> = [
    ['format', `${src.container}/${src.codec}, ${src.channels} ch, ${src.bitDepth === null ? 'lossy' : `${src.bitDepth}-bit`}`],
    ['sample rate', `declared ${src.sampleRateHz} Hz, decoded ${src.decodedSampleRateHz} Hz`],
    ['duration', `${src.durationSec.toFixed(3)} s (${src.bytes} bytes, hash ${src.contentHash})`],
    ['peak / RMS', `${db(s.levels.peakDbfs)} / ${db(s.levels.rmsDbfs)}, crest ${num(s.levels.crestFactor)}`],
    ['DC offset', s.levels.dcOffset.toExponential(2)],
    ['noise floor', db(s.levels.noiseFloorDbfs)],
    ['active speech (P.56)', `${db(s.levels.activeSpeechLevelDbfs)}, activity ${s.levels.speechActivityRatio === null ? '–' : pct(s.levels.speechActivityRatio)}`],
    ['loudness (BS.1770)', db(s.levels.integratedLoudnessLufs, 'LUFS')],
    ['clipping', `${pct(s.clipping.ratio)} (${s.clipping.clippedSamples} samples, ${s.clipping.runs} runs ≥ 3)`],
    ['flat tops below FS', s.clipping.flatTop.detected ? `yes at ${db(s.clipping.flatTop.levelDbfs)} (${s.clipping.flatTop.runs} runs)` : 'no'],
    ['silence', `${pct(s.silence.ratio)} of ${s.silence.frameSec * 1000} ms frames below ${db(s.silence.thresholdDbfs)}; digital zeros ${pct(s.silence.digitalSilenceRatio)}`],
    ['speech (VAD)', `${pct(s.vad.speechRatio)} in ${s.vad.segments.length} segments, first ${sec(s.vad.firstSpeechSec)}, last end ${sec(s.vad.lastSpeechEndSec)}`],
    ['SNR', `${s.snr.noiseIsDigitalSilence ? '≥ ' : ''}${num(s.snr.db, 1)} dB active-speech, WADA ${num(s.snr.wadaDb, 1)} dB`],
    ['bandwidth', s.bandwidth.effectiveHz === null ? '–' : `${Math.round(s.bandwidth.effectiveHz)} Hz (${num(s.bandwidth.fractionOfNyquist)} of Nyquist)`],
    ['layout', `${s.layout.kind}${s.layout.interChannelCorrelation === null ? '' : `, corr ${s.layout.interChannelCorrelation.toFixed(4)}`}${s.layout.levelDifferenceDb === null ? '' : `, L−R ${s.layout.levelDifferenceDb.toFixed(1)} dB`}`],
  ];
  if (s.channels.length > 1) {
    s.channels.forEach((c, i) => {
      rows.push([`  ch ${i}`, `peak ${db(c.peakDbfs)}, RMS ${db(c.rmsDbfs)}, clipped ${c.clippedSamples}`]);
    });
  }
  for (const f of s.findings) {
    rows.push([`[${f.severity}] ${f.id}`, `${f.plane}: ${f.message}`]);
    rows.push(['', `check next: ${f.checkNext}`]);
  }
  for (const w of s.warnings) rows.push(['warning', w]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return [`== ${label}`, ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`)].join('\n');
}
