import type { Finding } from '../summary/types';
import { DETECTORS } from './registry';
import { resolveThresholds, type FindingThresholds } from './thresholds';
import type { DetectorContext } from './types';

const SEVERITY_ORDER = { critical: 0, warn: 1, info: 2 } as const;

/** Run every detector; findings come back most severe first, registry order within a severity. */
export function runDetectors(
  ctx: Omit<DetectorContext, 't'>,
  thresholds: Partial<FindingThresholds> = {},
): Finding[] {
  const full: DetectorContext = { ...ctx, t: resolveThresholds(thresholds) };
  const out: Finding[] = [];
  for (const d of DETECTORS) {
    const f = d.detect(full);
    if (f) out.push(f);
  }
  return out.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
