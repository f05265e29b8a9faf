/**
 * Failure-plane confusion table: every clean source and every impairment of issue 4 (built by
 * tests/corpus/impairment-corpus.ts through the core's impairment library), analysed as the CLI
 * does; one row per case, one column per detector. A case passes when its own detector fires
 * (warn or critical; dual-mono is info by design) and a clean source raises no warn or critical.
 * The impairments run on two real-speech sources: LibriVox (16 kHz) and, held out from the
 * threshold choices, the asterisk telephony prompts (8 kHz).
 */
import { corpusCases, runCorpus, type CorpusResult } from '../../tests/corpus/impairment-corpus';
import { DETECTORS } from '../../src/core/findings/registry';

const MARK = { critical: 'C', warn: 'W', info: 'i' } as const;

export function casePasses(r: CorpusResult): boolean {
  if (r.skipped) return true;
  const serious = r.findings.filter((f) => f.severity !== 'info');
  if (r.case.expect === null) return serious.length === 0;
  const own = r.findings.find((f) => f.id === r.case.expect);
  return own !== undefined && (own.severity !== 'info' || own.id === 'dual-mono');
}

function printTable(title: string, results: CorpusResult[]): void {
  const ids = DETECTORS.map((d) => d.id);
  console.log(`\n${title}`);
  console.log('columns:');
  ids.forEach((id, i) => console.log(`  ${String(i + 1).padStart(2)} ${id}`));
  console.log('cells: C critical · W warn · i info · [x] = the detector this case is about\n');
  const nameWidth = Math.max(...results.map((r) => r.case.name.length)) + 2;
  console.log(`${'case'.padEnd(nameWidth)}${ids.map((_, i) => String(i + 1).padStart(4)).join('')}   result`);
  for (const r of results) {
    const cells = ids.map((id) => {
      const f = r.findings.find((x) => x.id === id);
      const m = f ? MARK[f.severity] : '·';
      return (id === r.case.expect ? `[${m}]` : ` ${m} `).padStart(4);
    });
    const verdict = r.skipped ? `skipped (${r.skipped})` : casePasses(r) ? 'ok' : 'MISS';
    console.log(`${r.case.name.padEnd(nameWidth)}${cells.join('')}   ${verdict}`);
  }
}

export async function findingsEval(opts: { print: boolean }): Promise<{ pass: boolean; results: CorpusResult[] }> {
  const main = await runCorpus(corpusCases('librivox'));
  const heldOut = await runCorpus(corpusCases('asterisk').filter((c) => c.expect !== null));
  if (opts.print) {
    printTable('[findings] impairments on LibriVox 16 kHz + clean sources (real, TTS, µ-law, room noise)', main);
    printTable('[findings] the same impairments on the asterisk 8 kHz prompts (held out)', heldOut);
  }
  const all = [...main, ...heldOut];
  const missed = all.filter((r) => !casePasses(r));
  const offDiagonal = all.flatMap((r) =>
    r.findings.filter((f) => f.severity !== 'info' && f.id !== r.case.expect).map((f) => `${r.case.name}: ${f.id} (${f.severity})`),
  );
  if (opts.print) {
    console.log(`\n${all.length - missed.length}/${all.length} cases ok; ${offDiagonal.length} other warn/critical findings:`);
    for (const o of offDiagonal) console.log(`  ${o}`);
  }
  return { pass: missed.length === 0, results: all };
}
