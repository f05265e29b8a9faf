import type { Measurements } from '../analyze';
import type { Finding, Severity } from '../summary/types';
import type { FindingThresholds } from './thresholds';

export type Plane =
  | 'clipping'
  | 'microphone'
  | 'noise'
  | 'sample-rate'
  | 'channel-layout'
  | 'packet-loss'
  | 'echo'
  | 'vad-endpointing';

export interface DetectorContext {
  /** Declared rate and codec from the container. */
  declaredSampleRateHz: number;
  codec: string;
  m: Measurements;
  t: FindingThresholds;
}

/** One detector per file; the registry lists them all. */
export interface Detector {
  id: string;
  plane: Plane;
  /** One sentence for the docs and the page: what it catches. */
  description: string;
  detect(ctx: DetectorContext): Finding | null;
}

export function finding(
  d: Pick<Detector, 'id' | 'plane'>,
  severity: Severity,
  message: string,
  checkNext: string,
  evidence: Finding['evidence'],
  ranges?: Finding['ranges'],
): Finding {
  return { id: d.id, plane: d.plane, severity, message, checkNext, evidence, ...(ranges && ranges.length > 0 ? { ranges } : {}) };
}

export const fmtDb = (x: number | null): string => (x === null ? '−∞' : x.toFixed(1));
