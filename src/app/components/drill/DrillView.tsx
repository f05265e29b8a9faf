/**
 * Drill mode: take a public recording (or, after an explicit opt-in, your own WAV), break it on
 * purpose with a stack of impairments, and compare before and after: both waveforms with speech
 * regions and spectrograms, every measurement with its change, and which findings appear. Ready-
 * made drills start from a symptom and keep the answer hidden until asked, for interviews.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { analyzeFile, type FileReport } from '../../../client/analysis-client';
import { impairFile } from '../../../client/drill-client';
import { DRILLS, type Drill } from '../../../core/impair/drills';
import type { Recipe, RecipeStep } from '../../../core/impair/types';
import type { Finding } from '../../../core/summary/types';
import { errorMessage, errorTitle } from '../../error-text';
import { FIXTURES, fetchFixture } from '../../fixtures';
import type { Theme } from '../../hooks/useTheme';
import { Findings } from '../Findings';
import { Waveform, type PlayerHandle } from '../Waveform';
import { DeltaTable } from './DeltaTable';
import { FixtureBuilder } from './FixtureBuilder';
import { RecipeEditor } from './RecipeEditor';

interface Side {
  file: File;
  report: FileReport;
}

type RunState =
  | { status: 'idle' }
  | { status: 'running'; step: string }
  | { status: 'error'; title: string; message: string }
  | { status: 'done'; before: Side; after: Side; recipe: Recipe; fromOwnFile: boolean };

const SPEECH_FIXTURES = FIXTURES.filter((f) => f.path.startsWith('speech/'));
const DEFAULT_SOURCE = SPEECH_FIXTURES.find((f) => f.path.includes('librivox'))?.path ?? SPEECH_FIXTURES[0]?.path ?? '';

function DrillSide({ label, side, theme, findingsVisible }: { label: string; side: Side; theme: Theme; findingsVisible: boolean }) {
  const player = useRef<PlayerHandle>(null);
  const seek = (sec: number): void => {
    player.current?.seek(sec);
    player.current?.focus();
  };
  const s = side.report.summary.source;
  return (
    <section className="drill-side" aria-label={label}>
      <h3 className="drill-side-title">
        {label} <span className="muted">· {side.file.name} · {s.decodedSampleRateHz / 1000} kHz · {s.channels} ch</span>
      </h3>
      <div className="card wave-card">
        <Waveform ref={player} file={side.file} report={side.report} theme={theme} />
      </div>
      {findingsVisible ? <Findings findings={side.report.summary.findings} notes={side.report.findingNotes} onSeek={seek} title={`Findings ${label.toLowerCase()}`} /> : null}
    </section>
  );
}

function FindingsChange({ before, after }: { before: Finding[]; after: Finding[] }) {
  const key = (f: Finding): string => `${f.id}:${f.severity}`;
  const had = new Set(before.map(key));
  const has = new Set(after.map(key));
  const appeared = after.filter((f) => !had.has(key(f)));
  const gone = before.filter((f) => !has.has(key(f)));
  return (
    <section className="card" aria-labelledby="findings-change-heading">
      <h3 id="findings-change-heading">What the detectors saw change</h3>
      {appeared.length === 0 && gone.length === 0 ? <p className="fine">No finding appeared or went away.</p> : null}
      {appeared.length > 0 ? (
        <ul className="change-list" aria-label="Findings that appeared">
          {appeared.map((f) => (
            <li key={key(f)} data-appeared={f.id}>
              <span className={`badge badge-${f.severity}`}>{f.severity}</span> <strong>{f.id}</strong> <span className="muted">({f.plane})</span> — {f.message}
            </li>
          ))}
        </ul>
      ) : null}
      {gone.length > 0 ? (
        <p className="fine">
          Gone after the impairment: {gone.map((f) => `${f.id} (${f.severity})`).join(', ')}
        </p>
      ) : null}
    </section>
  );
}

const stem = (name: string): string => name.replace(/\.[^.]+$/, '');

export function DrillView({ theme }: { theme: Theme }) {
  const [drillId, setDrillId] = useState<string>(DRILLS[0].id);
  const [sourcePath, setSourcePath] = useState(DEFAULT_SOURCE);
  const [ownFile, setOwnFile] = useState<File | null>(null);
  const [ownOptIn, setOwnOptIn] = useState(false);
  const [useOwn, setUseOwn] = useState(false);
  const [steps, setSteps] = useState<RecipeStep[]>([{ id: 'add-noise', params: { snrDb: 10, kind: 'pink' } }]);
  const [seed, setSeed] = useState(1);
  const [revealed, setRevealed] = useState(false);
  const [downloadOk, setDownloadOk] = useState(false);
  const [run, setRun] = useState<RunState>({ status: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const ids = { drill: useId(), source: useId(), seed: useId(), own: useId() };

  const drill: Drill | null = drillId === 'custom' ? null : (DRILLS.find((d) => d.id === drillId) ?? null);
  const scenario = drill !== null;

  useEffect(() => () => abort.current?.abort(), []);

  const start = async (): Promise<void> => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setRevealed(false);
    setDownloadOk(false);
    try {
      setRun({ status: 'running', step: 'Loading the source recording…' });
      const fromOwnFile = !scenario && useOwn;
      let source: File;
      if (fromOwnFile) {
        if (!ownFile || !ownOptIn) return;
        source = ownFile;
      } else {
        const fixture = FIXTURES.find((f) => f.path === (drill ? drill.fixture : sourcePath));
        if (!fixture) throw new Error('That sample is not shipped with this build.');
        source = await fetchFixture(fixture, controller.signal);
      }
      const recipe: Recipe = drill ? drill.recipe : { seed, steps };
      setRun({ status: 'running', step: 'Applying the impairments in a worker…' });
      const impaired = await impairFile(source, recipe, `${stem(source.name)}-drill.wav`);
      if (controller.signal.aborted) return;
      if (!impaired.ok) {
        setRun({ status: 'error', title: errorTitle(impaired.error), message: errorMessage(impaired.error) });
        return;
      }
      setRun({ status: 'running', step: 'Analysing both versions…' });
      const noProgress = (): void => {};
      const [a, b] = await Promise.all([
        analyzeFile(source, { name: source.name, options: {} }, controller.signal, noProgress),
        analyzeFile(impaired.value, { name: impaired.value.name, options: {} }, controller.signal, noProgress),
      ]);
      if (controller.signal.aborted) return;
      if (!a.ok || !b.ok) {
        const error = !a.ok ? a.error : !b.ok ? b.error : null;
        if (error) setRun({ status: 'error', title: errorTitle(error), message: errorMessage(error) });
        return;
      }
      setRun({ status: 'done', before: { file: source, report: a.value }, after: { file: impaired.value, report: b.value }, recipe, fromOwnFile });
    } catch (error) {
      if (!controller.signal.aborted) setRun({ status: 'error', title: 'The drill did not run', message: error instanceof Error ? error.message : String(error) });
    }
  };

  const downloadUrl = useMemo(() => (run.status === 'done' ? URL.createObjectURL(run.after.file) : null), [run]);
  useEffect(() => () => (downloadUrl ? URL.revokeObjectURL(downloadUrl) : undefined), [downloadUrl]);

  const canRun = run.status !== 'running' && (scenario || !useOwn || (ownFile !== null && ownOptIn)) && (scenario || steps.length > 0);
  const findingsVisible = run.status === 'done' && (!scenario || revealed);

  return (
    <>
    <div className="layout drill-layout">
      <aside className="sidebar">
        <section className="panel" aria-labelledby="drill-setup-heading">
          <h2 id="drill-setup-heading" className="panel-title">
            Failure drill
          </h2>
          <label htmlFor={ids.drill}>Scenario</label>
          <select id={ids.drill} value={drillId} onChange={(e) => setDrillId(e.target.value)}>
            {DRILLS.map((d) => (
              <option key={d.id} value={d.id}>
                {d.title}
              </option>
            ))}
            <option value="custom">Build your own…</option>
          </select>
          {drill ? (
            <blockquote className="symptom" data-testid="symptom">
              {drill.symptom}
            </blockquote>
          ) : (
            <>
              <fieldset className="source-choice">
                <legend>Source</legend>
                <label className="check">
                  <input type="radio" name="drill-source" checked={!useOwn} onChange={() => setUseOwn(false)} /> A shipped recording
                </label>
                <select aria-label="Shipped recording" value={sourcePath} onChange={(e) => setSourcePath(e.target.value)} disabled={useOwn}>
                  {SPEECH_FIXTURES.map((f) => (
                    <option key={f.path} value={f.path}>
                      {f.title}
                    </option>
                  ))}
                </select>
                <label className="check">
                  <input type="radio" name="drill-source" checked={useOwn} onChange={() => setUseOwn(true)} /> My own WAV file
                </label>
                {useOwn ? (
                  <>
                    <input id={ids.own} type="file" accept=".wav,audio/wav,audio/x-wav" aria-label="Your WAV file for the drill" onChange={(e) => setOwnFile(e.target.files?.[0] ?? null)} />
                    <label className="check">
                      <input type="checkbox" checked={ownOptIn} onChange={(e) => setOwnOptIn(e.target.checked)} /> Use my file for drills: it is read and impaired in this tab only
                    </label>
                  </>
                ) : null}
              </fieldset>
              <RecipeEditor steps={steps} onChange={setSteps} />
              <label htmlFor={ids.seed}>Seed</label>
              <input id={ids.seed} type="number" step={1} value={seed} onChange={(e) => setSeed(Math.trunc(Number(e.target.value) || 0))} />
            </>
          )}
          <button type="button" className="button primary run-drill" onClick={() => void start()} disabled={!canRun}>
            {run.status === 'running' ? 'Running…' : 'Run drill'}
          </button>
        </section>
      </aside>
      <main className="content" aria-live="polite">
        {run.status === 'idle' ? (
          <section className="empty" aria-label="About drills">
            <h2>Break a recording on purpose, and see what each failure looks like</h2>
            <ul>
              <li>Pick a scenario: it starts from what a user would report; the answer stays hidden until you ask</li>
              <li>Or stack your own impairments: clipping, noise, hum, band-limiting, packet loss, echo, channel faults, trims…</li>
              <li>Before and after side by side: waveforms with speech regions, spectrograms, every measurement with its change, and the findings that appear</li>
            </ul>
          </section>
        ) : null}
        {run.status === 'running' ? <p className="fine pending">{run.step}</p> : null}
        {run.status === 'error' ? (
          <p className="file-error big" role="alert">
            <strong>{run.title}.</strong> {run.message}
          </p>
        ) : null}
        {run.status === 'done' ? (
          <article className="drill-result" data-testid="drill-result">
            {scenario && !revealed ? (
              <div className="card reveal">
                <p>Listen, look at both waveforms and spectrograms, and say what broke and where you would look. Then:</p>
                <button type="button" className="button primary" onClick={() => setRevealed(true)}>
                  Show findings and answer
                </button>
              </div>
            ) : null}
            {scenario && revealed && drill ? (
              <section className="card answer" aria-labelledby="answer-heading" data-testid="answer">
                <h3 id="answer-heading">Answer: {drill.answer.plane} plane, caught by “{drill.answer.detector}”</h3>
                <p>{drill.answer.explanation}</p>
                <p className="fine">
                  Recipe: <code>{JSON.stringify(drill.recipe)}</code>
                </p>
              </section>
            ) : null}
            <div className="drill-compare">
              <DrillSide label="Before" side={run.before} theme={theme} findingsVisible={findingsVisible} />
              <DrillSide label="After" side={run.after} theme={theme} findingsVisible={findingsVisible} />
            </div>
            {findingsVisible ? (
              <>
                <FindingsChange before={run.before.report.summary.findings} after={run.after.report.summary.findings} />
                <DeltaTable before={run.before.report.summary} after={run.after.report.summary} />
              </>
            ) : null}
            <section className="card" aria-label="Impaired audio">
              {run.fromOwnFile ? (
                <label className="check">
                  <input type="checkbox" checked={downloadOk} onChange={(e) => setDownloadOk(e.target.checked)} /> I want to save audio made from my own file
                </label>
              ) : null}
              {downloadUrl && (!run.fromOwnFile || downloadOk) ? (
                <a className="button" href={downloadUrl} download={run.after.file.name}>
                  Download the impaired WAV
                </a>
              ) : null}
              <p className="fine">
                Made in this tab from {run.fromOwnFile ? 'your file' : 'a public recording'} with recipe <code>{JSON.stringify(run.recipe)}</code>; the
                CLI makes the same bytes from the same recipe.
              </p>
            </section>
          </article>
        ) : null}
      </main>
    </div>
    <FixtureBuilder />
    </>
  );
}
