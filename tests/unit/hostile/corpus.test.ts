/**
 * Every hostile-input corpus case through the Node path (probe, decode, analyse, summarise: the
 * CLI's analyzeFile), each within a time limit: the expected typed error, or a schema-valid
 * summary with the expected numbers. Anything thrown fails the case. `npx tsx scripts/hostile-table.ts` prints the
 * same cases as a table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../src/core/types';
import { buildCorpus } from '../../hostile/corpus';
import { runCase } from '../../hostile/run-case';

const corpus = await buildCorpus();
const dir = mkdtempSync(join(tmpdir(), 'apl-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Per case: a hostile file must be answered within seconds, whatever it claims. */
const CASE_LIMIT_MS = 5000;

describe('the hostile-input corpus', () => {
  it('has at least 30 distinct cases covering every input error kind', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
    const codes = new Set(corpus.flatMap((c) => (c.expect.kind === 'error' ? [c.expect.code] : [])));
    const inputKinds: ErrorCode[] = ['empty-file', 'not-audio', 'truncated', 'unsupported-codec', 'absurd-header', 'too-many-channels'];
    for (const k of inputKinds) expect(codes, k).toContain(k);
    expect(corpus.filter((c) => c.expect.kind === 'ok').length).toBeGreaterThanOrEqual(15);
  });

  for (const c of corpus) {
    it(`${c.name}: ${c.what}`, async () => {
      const outcome = await runCase(c, dir, CASE_LIMIT_MS);
      expect(outcome.problems, `${c.name}: got ${outcome.got}`).toEqual([]);
      expect(outcome.ms).toBeLessThan(CASE_LIMIT_MS);
    });
  }
});
