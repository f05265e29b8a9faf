/**
 * One heat map per engine × threshold setting: speech gain rows × noise SNR columns. A real
 * <table>: every cell carries its number (and ✗ for a missed first word) as text, the colour is
 * only its background, and the full scores are in the cell's title.
 */
import type { SweepCell, SweepResult, VadScore } from '../../../core/sweep/types';

export type HeatMetric = 'deletion' | 'f1';

const ENGINE_LABEL: Record<string, string> = { builtin: 'Built-in', webrtc: 'WebRTC', silero: 'Silero' };
const snrLabel = (snr: number | null): string => (snr === null ? '∞' : `${snr}`);
const minus = (x: number): string => (x < 0 ? `−${-x}` : `${x}`);

/** Green (good) → red (bad), light enough for dark text in both themes. */
function colour(score: VadScore, metric: HeatMetric): string {
  // Deletion saturates at 0.5 s (a whole short phrase); F1 at 0.5 (half the speech frames wrong).
  const bad = metric === 'deletion' ? Math.min(1, score.leadingDeletionSec / 0.5) : Math.min(1, Math.max(0, (1 - score.f1) / 0.5));
  return `hsl(${Math.round(130 * (1 - bad))} 65% 78%)`;
}

function cellText(score: VadScore, metric: HeatMetric): string {
  return metric === 'deletion' ? `${score.firstWordMissed ? '✗ ' : ''}${score.leadingDeletionSec.toFixed(2)}` : score.f1.toFixed(2);
}

function cellTitle(c: SweepCell): string {
  const s = c.score;
  return [
    `gain ${minus(c.gainDb)} dB, SNR ${snrLabel(c.snrDb)} dB`,
    `leading-word deletion ${s.leadingDeletionSec.toFixed(3)} s${s.firstWordMissed ? ' (first word missed)' : ''}`,
    `F1 ${s.f1.toFixed(3)}, missed speech ${(100 * s.missedSpeechRatio).toFixed(1)} %, false alarms ${(100 * s.falseAlarmRatio).toFixed(1)} %, ${s.segmentCount} segments`,
  ].join('\n');
}

export function SweepHeatMap({ result, engine, setting, metric }: { result: SweepResult; engine: string; setting: string; metric: HeatMetric }) {
  const { gainsDb, snrsDb } = result.recipe;
  const find = (g: number, snr: number | null): SweepCell | undefined => result.cells.find((c) => c.engine === engine && c.setting === setting && c.gainDb === g && c.snrDb === snr);
  const what = metric === 'deletion' ? 'leading-word deletion, s' : 'frame F1';
  const spec = result.recipe.settings.find((s) => s.name === setting);
  const details = [
    ...Object.entries(spec?.threshold ?? {}).filter(([id]) => id === engine).map(([, v]) => `threshold ${v}`),
    spec?.gateDbfs !== null && spec?.gateDbfs !== undefined ? `gate ${minus(spec.gateDbfs)} dBFS` : 'no gate',
  ].join(', ');
  return (
    <table className="heat-map" data-engine={engine} data-setting={setting}>
      <caption>
        <strong>{ENGINE_LABEL[engine] ?? engine}</strong> · “{setting}” <span className="muted">({details})</span>
        <span className="visually-hidden">: {what}</span>
      </caption>
      <thead>
        <tr>
          <th scope="col">gain \ SNR</th>
          {snrsDb.map((snr) => (
            <th key={snrLabel(snr)} scope="col">
              {snrLabel(snr)} dB
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {gainsDb.map((g) => (
          <tr key={g}>
            <th scope="row">{minus(g)} dB</th>
            {snrsDb.map((snr) => {
              const c = find(g, snr);
              return c ? (
                <td key={snrLabel(snr)} style={{ background: colour(c.score, metric) }} title={cellTitle(c)} data-missed={c.score.firstWordMissed || undefined}>
                  {cellText(c.score, metric)}
                </td>
              ) : (
                <td key={snrLabel(snr)}>—</td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function engineLabel(id: string): string {
  return ENGINE_LABEL[id] ?? id;
}
