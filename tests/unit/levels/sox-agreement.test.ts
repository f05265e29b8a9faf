import { describe, expect, it } from 'vitest';
import { soxAgreement } from '../../../scripts/eval/sox-agreement';

describe('agreement with sox stats', () => {
  it('matches SoX peak, RMS, DC and peak count on every generated case (or skips without sox)', async () => {
    const r = await soxAgreement();
    if (r.skipped !== undefined) {
      expect(r.pass).toBeNull();
      return;
    }
    const failures = r.rows.filter((row) => !row.pass).map((row) => `${row.case} ${row.channel}: ${row.failures.join(', ')}`);
    expect(failures).toEqual([]);
    expect(r.rows.length).toBeGreaterThanOrEqual(13);
    expect(r.pass).toBe(true);
  });
});
