import type { Measurements } from '../analyze';
import type { ContainerProbe } from '../types';
import { runDetectors } from '../findings/run';
import type { FindingThresholds } from '../findings/thresholds';
import { SUMMARY_SCHEMA_ID, type Finding, type Summary } from './types';

export const GENERATOR_VERSION = '0.1.0';

export interface SummaryInput {
  probe: ContainerProbe;
  measurements: Measurements;
  contentHash: string;
  /** The file's name; written only when keepName is true. */
  name?: string;
  keepName?: boolean;
  findings?: Finding[];
  /** Extra warnings from reading (probe, decoder). */
  warnings?: string[];
}

/**
 * Measurements → findings → summary: what the CLI prints and the page exports, from one place.
 */
export function summarize(input: Omit<SummaryInput, 'findings'> & { thresholds?: Partial<FindingThresholds> }): Summary {
  const findings = runDetectors(
    { declaredSampleRateHz: input.probe.sampleRateHz, codec: input.probe.codec, m: input.measurements },
    input.thresholds,
  );
  return buildSummary({ ...input, findings });
}

/**
 * Build the privacy-safe summary. Numbers are rounded to what a reader can use (dB to 0.001,
 * seconds to 1 ms): enough to compare with SoX to 0.01 dB, and no finer-grained fingerprint.
 */
export function buildSummary(input: SummaryInput): Summary {
  const { probe, measurements: m } = input;
  const summary: Summary = {
    schema: SUMMARY_SCHEMA_ID,
    generator: { name: 'audio-path-lab', version: GENERATOR_VERSION },
    source: {
      container: probe.container,
      codec: probe.codec,
      sampleRateHz: probe.sampleRateHz,
      decodedSampleRateHz: m.sampleRateHz,
      channels: m.channelCount,
      bitDepth: probe.bitDepth,
      durationSec: m.durationSec,
      bytes: probe.bytes,
      ...(input.keepName && input.name !== undefined ? { name: input.name } : {}),
      contentHash: input.contentHash,
    },
    levels: m.levels,
    channels: m.channels,
    clipping: m.clipping,
    silence: m.silence,
    vad: m.vad,
    snr: m.snr,
    bandwidth: m.bandwidth,
    layout: m.layout,
    findings: input.findings ?? [],
    warnings: [...(input.warnings ?? []), ...m.warnings],
  };
  return roundDeep(summary);
}

/** Round every number by the unit its key names. Pure: returns a new object. */
function roundDeep<T>(value: T, key = ''): T {
  if (typeof value === 'number') return roundNumber(value, key) as T;
  if (Array.isArray(value)) return value.map((v) => roundDeep(v, key)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = roundDeep(v, k);
    return out as T;
  }
  return value;
}

function roundNumber(x: number, key: string): number | null {
  if (!Number.isFinite(x)) return null;
  if (Number.isInteger(x)) return x;
  if (/Sec$/.test(key)) return round(x, 3);
  if (/(Db|Dbfs|Lufs|Hz|db|wadaDb)$/.test(key)) return round(x, 3);
  if (key === 'dcOffset') return round(x, 7);
  return Number(x.toPrecision(6));
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
