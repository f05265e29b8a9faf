/**
 * Print the hostile-input corpus table: every case through the CLI's analysis path, what it
 * should give, what it gave, how long it took. Exits 1 if any case differs.
 *   npx tsx scripts/hostile-table.ts
 *   npx tsx scripts/hostile-table.ts --markdown
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCorpus } from '../tests/hostile/corpus';
import { runCase } from '../tests/hostile/run-case';

const markdown = process.argv.includes('--markdown');
const dir = mkdtempSync(join(tmpdir(), 'apl-hostile-'));
try {
  const corpus = await buildCorpus();
  const rows: string[][] = [];
  let failed = 0;
  for (const c of corpus) {
    const o = await runCase(c, dir);
    if (o.problems.length > 0) failed++;
    rows.push([c.name, o.expected, o.got, o.ms.toFixed(0), o.problems.length === 0 ? 'pass' : `FAIL: ${o.problems.join('; ')}`]);
  }
  const head = ['case', 'expected', 'got', 'ms', ''];
  if (markdown) {
    process.stdout.write(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|\n`);
    for (const r of rows) process.stdout.write(`| ${r.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |\n`);
  } else {
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 4 ? 0 : r[i].length))));
    const line = (r: string[]): string => r.map((x, i) => (i === 4 ? x : i === 3 ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join('  ').trimEnd();
    process.stdout.write(`${line(head)}\n`);
    for (const r of rows) process.stdout.write(`${line(r)}\n`);
  }
  process.stdout.write(`\n${corpus.length} cases, ${failed} failed\n`);
  process.exitCode = failed > 0 ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
