import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../../../src/core/findings/registry';
import { DEFAULT_THRESHOLDS } from '../../../src/core/findings/thresholds';

const doc = readFileSync(join(__dirname, '../../../docs/findings.md'), 'utf8');

describe('docs/findings.md', () => {
  it('documents every detector and every threshold with its default', () => {
    for (const d of DETECTORS) expect(doc, d.id).toContain(`| ${d.id} | ${d.plane} |`);
    for (const [name, value] of Object.entries(DEFAULT_THRESHOLDS)) {
      const m = new RegExp(`\`${name}\` ([−-]?[0-9.]+(?:e[−-]?[0-9]+)?)`).exec(doc);
      expect(m, `${name} is not in the table`).not.toBeNull();
      expect(Number((m as RegExpExecArray)[1].replace(/−/g, '-')), name).toBe(value);
    }
  });
});
