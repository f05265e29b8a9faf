import type { Summary } from '../../../core/summary/types';

interface Row {
  label: string;
  unit: string;
  digits: number;
  get(s: Summary): number | string | null;
}

const ROWS: Row[] = [
  { label: 'Sample rate', unit: 'Hz', digits: 0, get: (s) => s.source.decodedSampleRateHz },
  { label: 'Channels / layout', unit: '', digits: 0, get: (s) => `${s.source.channels} · ${s.layout.kind}` },
  { label: 'Peak', unit: 'dBFS', digits: 1, get: (s) => s.levels.peakDbfs },
  { label: 'RMS', unit: 'dBFS', digits: 1, get: (s) => s.levels.rmsDbfs },
  { label: 'Active speech level', unit: 'dBFS', digits: 1, get: (s) => s.levels.activeSpeechLevelDbfs },
  { label: 'DC offset', unit: '% FS', digits: 2, get: (s) => s.levels.dcOffset * 100 },
  { label: 'Clipped samples', unit: '%', digits: 3, get: (s) => s.clipping.ratio * 100 },
  { label: 'Speech (VAD)', unit: '%', digits: 1, get: (s) => s.vad.speechRatio * 100 },
  { label: 'Speech segments', unit: '', digits: 0, get: (s) => s.vad.segments.length },
  { label: 'First speech', unit: 's', digits: 2, get: (s) => s.vad.firstSpeechSec },
  { label: 'SNR (active speech)', unit: 'dB', digits: 1, get: (s) => s.snr.db },
  { label: 'WADA-SNR', unit: 'dB', digits: 1, get: (s) => s.snr.wadaDb },
  { label: 'Effective bandwidth', unit: 'Hz', digits: 0, get: (s) => s.bandwidth.effectiveHz },
  { label: 'Digital silence', unit: '%', digits: 2, get: (s) => s.silence.digitalSilenceRatio * 100 },
];

const show = (v: number | string | null, digits: number): string => (v === null ? '—' : typeof v === 'string' ? v : v.toFixed(digits));

/** +1.5 / −0.3 / ±0.0 (a change that rounds to zero has no sign). */
function signed(delta: number, digits: number): string {
  const text = Math.abs(delta).toFixed(digits);
  if (Number(text) === 0) return `±${text}`;
  return `${delta > 0 ? '+' : '−'}${text}`;
}

/** Every headline measurement before and after, with the change. */
export function DeltaTable({ before, after }: { before: Summary; after: Summary }) {
  return (
    <section className="card" aria-labelledby="delta-heading">
      <h3 id="delta-heading">Measurements, before → after</h3>
      <div className="table-scroll">
        <table className="levels delta-table">
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {ROWS.map((r) => {
              const a = r.get(before);
              const b = r.get(after);
              const delta = typeof a === 'number' && typeof b === 'number' ? b - a : null;
              const changed = delta === null ? show(a, r.digits) !== show(b, r.digits) : Math.abs(delta) >= 0.5 * 10 ** -r.digits;
              return (
                <tr key={r.label} className={changed ? 'changed' : undefined} data-measure={r.label}>
                  <th scope="row">
                    {r.label}
                    {r.unit ? <span className="muted"> {r.unit}</span> : null}
                  </th>
                  <td>{show(a, r.digits)}</td>
                  <td>{show(b, r.digits)}</td>
                  <td>{delta === null ? (changed ? 'changed' : '') : signed(delta, r.digits)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
