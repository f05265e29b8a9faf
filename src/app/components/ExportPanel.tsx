import { useId, useMemo, useState } from 'react';
import type { FileReport } from '../../client/analysis-client';
import type { VadSettings } from '../../core/summary/types';
import { DEFAULT_VAD_SETTINGS } from '../../core/vad/defaults';

/** The CLI flags that reproduce these VAD settings (none for the defaults). */
export function cliFlags(settings: VadSettings, keepName: boolean): string {
  const flags: string[] = [];
  if (keepName) flags.push('--keep-name');
  if (settings.threshold !== DEFAULT_VAD_SETTINGS.threshold) flags.push(`--vad-threshold ${settings.threshold}`);
  if (settings.minSpeechSec !== DEFAULT_VAD_SETTINGS.minSpeechSec) flags.push(`--vad-min-speech ${settings.minSpeechSec}`);
  if (settings.minSilenceSec !== DEFAULT_VAD_SETTINGS.minSilenceSec) flags.push(`--vad-min-silence ${settings.minSilenceSec}`);
  if (settings.padSec !== DEFAULT_VAD_SETTINGS.padSec) flags.push(`--vad-pad ${settings.padSec}`);
  if (settings.absoluteFloorDbfs !== null) flags.push(`--vad-floor-dbfs ${settings.absoluteFloorDbfs}`);
  return flags.map((f) => ` ${f}`).join('');
}

/** The name of the downloaded file: stays on this machine, so it may use the real name. */
export function exportFileName(name: string): string {
  const base = name.replace(/\.[^.]+$/, '') || 'recording';
  return `${base}.summary.json`;
}

function download(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Shows exactly the document "Export summary" writes, before it is written. */
export function ExportPanel({ report, fileName }: { report: FileReport; fileName: string }) {
  const [keepName, setKeepName] = useState(false);
  const id = useId();
  const doc = keepName ? report.summaryWithName : report.summary;
  const text = useMemo(() => `${JSON.stringify(doc, null, 2)}\n`, [doc]);
  const invalid = report.schemaErrors.length > 0;
  return (
    <section className="card export" aria-labelledby={`${id}-heading`}>
      <div className="export-head">
        <h3 id={`${id}-heading`}>What leaves this page</h3>
        <label className="check">
          <input type="checkbox" checked={keepName} onChange={(e) => setKeepName(e.target.checked)} />
          Keep file name
        </label>
        <button type="button" className="button primary" onClick={() => download(text, exportFileName(fileName))}>
          Export summary
        </button>
      </div>
      <p className="fine">
        Only this document, and only when you export it: aggregate numbers, no samples, spectra or anything the audio could be rebuilt from.
        The file is identified by a hash of its bytes; its name is left out unless you tick “Keep file name”. It is the same document{' '}
        <code>
          npm run cli -- analyze &lt;file&gt; --json{cliFlags(doc.vad.settings, keepName)}
        </code>{' '}
        prints, checked against the summary schema{invalid ? '' : ' (valid)'}.
      </p>
      {invalid ? (
        <p className="warn-text" role="status">
          The summary does not match the schema: {report.schemaErrors.slice(0, 3).join('; ')}
        </p>
      ) : null}
      <pre className="summary-json" tabIndex={0} aria-label="The summary document that export writes" data-testid="summary-json">
        {text}
      </pre>
    </section>
  );
}
