/**
 * VAD engines side by side under the waveform: one lane per engine (built-in from the analysis,
 * WebRTC and Silero run on demand in a worker), drawn on the waveform's visible time window so the
 * lanes follow its zoom and scroll, with the frames where the engines disagree marked in every
 * lane and in a lane of their own. Each lane has a text summary; the canvas is decoration.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TimeRange } from '../../core/types';
import { compareRows, rowSummary, type Disagreement } from '../../core/vad-engines/compare';
import { runEngine, type EngineRun, type WorkerEngineId } from '../../client/vad-engines-client';
import type { Theme } from '../hooks/useTheme';
import { errorMessage } from '../error-text';
import { fmtPercent, fmtSec } from '../format';
import './EngineRows.css';

export interface TimeView {
  startSec: number;
  endSec: number;
}

interface Props {
  file: File;
  durationSec: number;
  builtinSegments: readonly TimeRange[];
  builtinThreshold: number;
  view: TimeView;
  theme: Theme;
  onSeek(sec: number): void;
}

type EngineState = { status: 'idle' } | { status: 'running'; fraction: number } | { status: 'done'; run: EngineRun } | { status: 'error'; message: string };

const WORKER_ENGINES: ReadonlyArray<{ id: WorkerEngineId; label: string }> = [
  { id: 'webrtc', label: 'WebRTC' },
  { id: 'silero', label: 'Silero' },
];

const WEBRTC_MODES = [0, 1, 2, 3] as const;
const SILERO_THRESHOLDS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;

function detailOf(id: WorkerEngineId, threshold: number): string {
  return id === 'webrtc' ? `libfvad, mode ${threshold}` : `Silero VAD v5, p ≥ ${threshold}`;
}

const LANE_PX = 14;

const curves = new WeakMap<EngineRun, Curve>();
/** Silero's probability curve (the same object per run, so lanes redraw only when it changes). */
function curveOf(state: EngineState | null): Curve | undefined {
  if (state?.status !== 'done' || state.run.result.engine !== 'silero') return undefined;
  let c = curves.get(state.run);
  if (!c) {
    c = { values: state.run.result.probabilities, frameSec: state.run.result.frameSec, threshold: state.run.result.settings.threshold };
    curves.set(state.run, c);
  }
  return c;
}
/** The Silero lane is taller: it also draws the speech probability. */
const CURVE_LANE_PX = 24;
const MAX_LISTED = 8;

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

interface Curve {
  values: Float32Array;
  frameSec: number;
  threshold: number;
}

function Lane({ segments, alone, view, kind, theme, curve }: { segments: readonly TimeRange[]; alone: readonly TimeRange[]; view: TimeView; kind: string; theme: Theme; curve?: Curve }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const height = curve ? CURVE_LANE_PX : LANE_PX;
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const frame = requestAnimationFrame(() => {
      const dpr = window.devicePixelRatio || 1;
      const width = canvas.clientWidth;
      canvas.width = Math.max(1, Math.round(width * dpr));
      canvas.height = Math.round(height * dpr);
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, height);
      const span = Math.max(1e-9, view.endSec - view.startSec);
      const x = (sec: number): number => ((sec - view.startSec) / span) * width;
      const fill = (ranges: readonly TimeRange[], color: string, y: number, h: number): void => {
        ctx.fillStyle = color;
        for (const r of ranges) {
          if (r.endSec < view.startSec || r.startSec > view.endSec) continue;
          const a = x(r.startSec);
          ctx.fillRect(a, y, Math.max(1, x(r.endSec) - a), h);
        }
      };
      fill(segments, cssVar(`--engine-${kind}`), 0, height);
      // Where this lane stands alone: a band along its bottom edge in the disagreement colour.
      fill(alone, cssVar('--engine-disagree'), height - 4, 4);
      if (curve && curve.values.length > 0) {
        // The probability, the largest value per pixel column, and the threshold as a dashed line.
        const y = (p: number): number => height - 1 - p * (height - 3);
        ctx.strokeStyle = cssVar('--engine-curve');
        ctx.lineWidth = 1;
        ctx.setLineDash([3, 3]);
        ctx.beginPath();
        ctx.moveTo(0, y(curve.threshold));
        ctx.lineTo(width, y(curve.threshold));
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.beginPath();
        const first = Math.max(0, Math.floor(view.startSec / curve.frameSec));
        const last = Math.min(curve.values.length - 1, Math.ceil(view.endSec / curve.frameSec));
        let column = -1;
        let peak = 0;
        let started = false;
        const flush = (): void => {
          if (column < 0) return;
          if (started) ctx.lineTo(column + 0.5, y(peak));
          else ctx.moveTo(column + 0.5, y(peak));
          started = true;
        };
        for (let i = first; i <= last; i++) {
          const px = Math.floor(x((i + 0.5) * curve.frameSec));
          if (px !== column) {
            flush();
            column = px;
            peak = 0;
          }
          peak = Math.max(peak, curve.values[i]);
        }
        flush();
        ctx.stroke();
      }
    });
    return () => cancelAnimationFrame(frame);
  }, [segments, alone, view, kind, theme, curve, height]);
  return <canvas ref={canvasRef} className="engine-lane" style={{ height }} aria-hidden="true" />;
}

export const EngineRows = memo(function EngineRows({ file, durationSec, builtinSegments, builtinThreshold, view, theme, onSeek }: Props) {
  const [states, setStates] = useState<Record<WorkerEngineId, EngineState>>({ webrtc: { status: 'idle' }, silero: { status: 'idle' } });
  const [settings, setSettings] = useState<Record<WorkerEngineId, number>>({ webrtc: 2, silero: 0.5 });
  const abortRef = useRef<AbortController | null>(null);

  useEffect(() => () => abortRef.current?.abort(), [file]);

  const runAll = useCallback(async () => {
    abortRef.current?.abort();
    const controller = new AbortController();
    abortRef.current = controller;
    setStates({ webrtc: { status: 'running', fraction: 0 }, silero: { status: 'running', fraction: 0 } });
    // One after the other on one worker: WebRTC takes milliseconds, so its lane appears first.
    for (const { id } of WORKER_ENGINES) {
      const onProgress = (fraction: number): void => {
        if (!controller.signal.aborted) setStates((s) => (s[id].status === 'running' ? { ...s, [id]: { status: 'running', fraction } } : s));
      };
      const result = await runEngine(file, id, controller.signal, { threshold: settings[id] }, onProgress);
      if (controller.signal.aborted) return;
      setStates((s) => ({ ...s, [id]: result.ok ? { status: 'done', run: result.value } : { status: 'error', message: errorMessage(result.error) } }));
    }
  }, [file, settings]);

  const cancel = (): void => {
    abortRef.current?.abort();
    setStates((s) => {
      const next = { ...s };
      for (const { id } of WORKER_ENGINES) if (next[id].status === 'running') next[id] = { status: 'idle' };
      return next;
    });
  };

  const rows = useMemo(() => {
    const list: Array<{ id: string; label: string; detail: string; segments: readonly TimeRange[] | null; state: EngineState | null; analysedSec: number }> = [
      { id: 'builtin', label: 'Built-in', detail: `level-relative, threshold ${builtinThreshold}`, segments: builtinSegments, state: null, analysedSec: durationSec },
    ];
    for (const e of WORKER_ENGINES) {
      const st = states[e.id];
      const threshold = st.status === 'done' ? st.run.result.settings.threshold : settings[e.id];
      list.push({
        ...e,
        detail: detailOf(e.id, threshold),
        segments: st.status === 'done' ? st.run.result.segments : null,
        state: st,
        analysedSec: st.status === 'done' ? st.run.analysedSec : durationSec,
      });
    }
    return list;
  }, [states, settings, builtinSegments, builtinThreshold, durationSec]);

  const ready = useMemo(() => rows.filter((r) => r.segments !== null), [rows]);
  // Compared over the audio every engine saw (the worker engines stop at 10 minutes).
  const disagreement: Disagreement | null = useMemo(() => {
    if (ready.length < 2) return null;
    const comparedSec = Math.min(...ready.map((r) => r.analysedSec));
    return compareRows(
      ready.map((r) => r.segments ?? []),
      comparedSec,
    );
  }, [ready]);
  const aloneOf = (id: string): readonly TimeRange[] => {
    const i = ready.findIndex((r) => r.id === id);
    return disagreement && i >= 0 ? disagreement.alone[i] : [];
  };
  const anyRunning = rows.some((r) => r.state?.status === 'running');
  // Announced once per finished engine (not on every progress step).
  const announced = WORKER_ENGINES.map(({ id, label }) => {
    const st = states[id];
    return st.status === 'done' ? `${label} finished.` : st.status === 'error' ? `${label} failed.` : '';
  }).join(' ');
  const allDone = WORKER_ENGINES.every((e) => states[e.id].status === 'done');
  const longest = disagreement ? [...disagreement.ranges].sort((a, b) => b.endSec - b.startSec - (a.endSec - a.startSec)).slice(0, MAX_LISTED).sort((a, b) => a.startSec - b.startSec) : [];

  return (
    <section
      className="engine-rows"
      aria-label="VAD engines side by side"
      data-testid="engine-rows"
      data-view-start={view.startSec.toFixed(3)}
      data-view-end={view.endSec.toFixed(3)}
    >
      <div className="engine-rows-head">
        <h3>VAD engines</h3>
        <label className="engine-setting" title="0 = quality (calls the most speech) … 3 = very aggressive (the least)">
          WebRTC mode
          <select value={settings.webrtc} disabled={anyRunning} onChange={(e) => setSettings((s) => ({ ...s, webrtc: Number(e.target.value) }))}>
            {WEBRTC_MODES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label className="engine-setting" title="Speech probability a window must reach; speech continues down to 0.15 below it">
          Silero threshold
          <select value={settings.silero} disabled={anyRunning} onChange={(e) => setSettings((s) => ({ ...s, silero: Number(e.target.value) }))}>
            {SILERO_THRESHOLDS.map((t) => (
              <option key={t} value={t}>
                {t.toFixed(1)}
              </option>
            ))}
          </select>
        </label>
        {anyRunning ? (
          <button type="button" className="button" onClick={cancel}>
            Cancel
          </button>
        ) : (
          <button type="button" className="button" onClick={() => void runAll()}>
            {allDone ? 'Run again' : 'Run WebRTC and Silero'}
          </button>
        )}
        <span className="fine">in a worker on this tab; the engines load from this page (about 16 MB the first time)</span>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {announced}
      </p>
      {rows.map((r) => {
        const s = r.segments ? rowSummary(r.segments, r.analysedSec) : null;
        const alone = aloneOf(r.id);
        const aloneSec = alone.reduce((a, x) => a + x.endSec - x.startSec, 0);
        const text = s
          ? `speech ${fmtPercent(s.speechRatio)}, first onset ${s.firstOnsetSec === null ? 'none' : fmtSec(s.firstOnsetSec)}, ${s.segmentCount} ${s.segmentCount === 1 ? 'segment' : 'segments'}` +
            (disagreement && ready.length > 2 && aloneSec >= 0.005 ? `, alone against both others for ${fmtSec(aloneSec)}` : '')
          : r.state?.status === 'running'
            ? `running… ${Math.round(r.state.fraction * 100)} %`
            : r.state?.status === 'error'
              ? r.state.message
              : 'not run yet';
        return (
          <div
            key={r.id}
            className="engine-row"
            role="group"
            aria-label={`${r.label} (${r.detail}): ${text}`}
            data-engine={r.id}
            data-status={r.state?.status ?? 'done'}
            data-segments={r.segments ? JSON.stringify(r.segments.map((x) => [Number(x.startSec.toFixed(3)), Number(x.endSec.toFixed(3))])) : undefined}
          >
            <p className="engine-row-text">
              <span className={`swatch engine-swatch engine-swatch-${r.id}`} aria-hidden="true" /> <strong>{r.label}</strong>{' '}
              <span className="muted">({r.detail})</span> — <span className={r.state?.status === 'error' ? 'warn-text' : undefined}>{text}</span>
              {r.state?.status === 'done' && r.state.run.analysedSec < r.state.run.durationSec - 0.01 ? (
                <span className="muted"> · first {fmtSec(r.state.run.analysedSec)} only</span>
              ) : null}
            </p>
            {r.segments ? (
              <Lane segments={r.segments} alone={alone} view={view} kind={r.id} theme={theme} curve={curveOf(r.state)} />
            ) : (
              <div className="engine-lane engine-lane-empty" aria-hidden="true" />
            )}
          </div>
        );
      })}
      {disagreement ? (
        <div className="engine-row" role="group" aria-label={`Disagreement: ${fmtPercent(disagreement.ratio)} of the file`} data-engine="disagree">
          <p className="engine-row-text">
            <span className="swatch engine-swatch engine-swatch-disagree" aria-hidden="true" /> <strong>Disagree</strong> — the engines differ on{' '}
            {fmtPercent(disagreement.ratio)} of the file ({disagreement.ranges.length} {disagreement.ranges.length === 1 ? 'stretch' : 'stretches'})
          </p>
          <Lane segments={disagreement.ranges} alone={[]} view={view} kind="disagree" theme={theme} />
          {longest.length > 0 ? (
            <p className="engine-jumps">
              <span className="muted">Longest:</span>{' '}
              {longest.map((r) => (
                <button key={r.startSec} type="button" className="link-button" onClick={() => onSeek(r.startSec)} aria-label={`Play from ${fmtSec(r.startSec)}, where the engines disagree for ${fmtSec(r.endSec - r.startSec)}`}>
                  {fmtSec(r.startSec)} ({fmtSec(r.endSec - r.startSec)})
                </button>
              ))}
            </p>
          ) : null}
        </div>
      ) : null}
      <p className="player-legend">
        <span className="swatch engine-swatch engine-swatch-builtin" aria-hidden="true" /> built-in{' · '}
        <span className="swatch engine-swatch engine-swatch-webrtc" aria-hidden="true" /> WebRTC{' · '}
        <span className="swatch engine-swatch engine-swatch-silero" aria-hidden="true" /> Silero: speech after each engine's decision, min speech 0.1 s,
        min silence 0.3 s and 0.05 s padding (the same for all); the line in Silero's lane is its speech probability, dashed its threshold{' · '}
        <span className="swatch engine-swatch engine-swatch-disagree" aria-hidden="true" /> where the engines disagree (under a lane: that engine alone)
      </p>
    </section>
  );
});
