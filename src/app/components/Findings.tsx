import { useId } from 'react';
import type { Finding } from '../../core/summary/types';
import { fmtRange } from '../format';

const PLANES: Record<string, string> = {
  clipping: 'Clipping',
  microphone: 'Microphone and gain',
  noise: 'Noise',
  'sample-rate': 'Sample rate and bandwidth',
  'channel-layout': 'Channel layout',
  'packet-loss': 'Dropouts',
  echo: 'Echo',
  'vad-endpointing': 'Speech timing',
};

const SEVERITY: Record<Finding['severity'], string> = { critical: 'Critical', warn: 'Warning', info: 'Note' };

function evidenceText(evidence: Finding['evidence']): string {
  return Object.entries(evidence)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? Number(v.toPrecision(4)) : String(v)}`)
    .join(' · ');
}

interface Props {
  findings: Finding[];
  /** What each detector catches, by finding id (plain language, from the core registry). */
  notes: Record<string, string>;
  onSeek(sec: number): void;
  /** Heading text (default "Findings"). */
  title?: string;
}

const RANK: Record<Finding['severity'], number> = { critical: 0, warn: 1, info: 2 };

/** Findings grouped by plane; planes ordered by their worst finding, then by the registry's order. */
function byPlane(findings: Finding[]): Array<{ plane: string; items: Finding[] }> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) groups.set(f.plane, [...(groups.get(f.plane) ?? []), f]);
  const worst = (items: Finding[]): number => Math.min(...items.map((f) => RANK[f.severity]));
  return [...groups.entries()]
    .map(([plane, items]) => ({ plane, items }))
    .sort((a, b) => worst(a.items) - worst(b.items));
}

export function Findings({ findings, notes, onSeek, title = 'Findings' }: Props) {
  const groups = byPlane(findings);
  const headingId = useId();
  return (
    <section className="card findings" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {title} <span className="count">{findings.length}</span>
      </h3>
      {findings.length === 0 ? (
        <p className="fine">Nothing in this recording tripped a detector.</p>
      ) : (
        groups.map(({ plane, items }) => (
          <section key={plane} className="plane-group" aria-label={PLANES[plane] ?? plane}>
            <h4 className="plane-heading">
              {PLANES[plane] ?? plane} <span className="count">{items.length}</span>
            </h4>
            <ul className="finding-list">
              {items.map((f, i) => (
                <li key={`${f.id}-${i}`} className={`finding severity-${f.severity}`} data-finding={f.id}>
                  <div className="finding-head">
                    <span className={`badge badge-${f.severity}`}>{SEVERITY[f.severity]}</span>
                    <span className="plane">{f.id}</span>
                  </div>
                  <p className="finding-message">{f.message}</p>
                  {notes[f.id] ? <p className="finding-meaning">{notes[f.id]}</p> : null}
                  {f.checkNext ? (
                    <p className="finding-next">
                      <strong>Check next:</strong> {f.checkNext}
                    </p>
                  ) : null}
                  {f.ranges && f.ranges.length > 0 ? (
                    <p className="finding-ranges">
                      Where:{' '}
                      {f.ranges.slice(0, 8).map((r, k) => (
                        <button
                          type="button"
                          className="link"
                          key={k}
                          onClick={() => onSeek(r.startSec)}
                          aria-label={`Jump the waveform to ${fmtRange(r.startSec, r.endSec)} (${f.id})`}
                        >
                          {fmtRange(r.startSec, r.endSec)}
                        </button>
                      ))}
                      {f.ranges.length > 8 ? <span className="muted"> and {f.ranges.length - 8} more</span> : null}
                    </p>
                  ) : null}
                  <p className="evidence">{evidenceText(f.evidence)}</p>
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
    </section>
  );
}
