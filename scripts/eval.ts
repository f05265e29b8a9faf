/**
 * npm run eval — accuracy of the analysis core on generated, labelled audio.
 *   1. VAD frame F1, SNR error and bandwidth over real speech × gain × noise (scripts/eval/vad-snr.ts)
 *   2. agreement with `sox stats` (scripts/eval/sox-agreement.ts; skipped when SoX is missing)
 *   3. failure-plane confusion table: each impairment against each detector (scripts/eval/findings.ts)
 * Exits non-zero when an acceptance target is missed, so it can gate CI.
 */
import { vadSnrEval } from './eval/vad-snr';
import { soxAgreement } from './eval/sox-agreement';
import { findingsEval } from './eval/findings';

async function main(): Promise<number> {
  let failed = false;
  const vad = await vadSnrEval({ print: true });
  failed ||= !vad.pass;
  const sox = await soxAgreement({ print: true });
  failed ||= sox.pass === false;
  const findings = await findingsEval({ print: true });
  failed ||= !findings.pass;
  console.log(`\neval: ${failed ? 'FAIL' : 'PASS'}`);
  return failed ? 1 : 0;
}

main().then((code) => {
  process.exitCode = code;
});
