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
}

export function Findings({ findings, notes, onSeek }: Props) {
  return (
    <section className="card findings" aria-labelledby="findings-heading">
      <h3 id="findings-heading">
        Findings <span className="count">{findings.length}</span>
      </h3>
      {findings.length === 0 ? (
        <p className="fine">Nothing in this recording tripped a detector.</p>
      ) : (
        <ul className="finding-list">
          {findings.map((f, i) => (
            <li key={`${f.id}-${i}`} className={`finding severity-${f.severity}`}>
              <div className="finding-head">
                <span className={`badge badge-${f.severity}`}>{SEVERITY[f.severity]}</span>
                <span className="plane">{PLANES[f.plane] ?? f.plane}</span>
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
                    <button type="button" className="link" key={k} onClick={() => onSeek(r.startSec)}>
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
      )}
    </section>
  );
}
