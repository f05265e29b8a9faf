/**
 * Quiet-speaker fixture builder: a labelled recording swept over speech gain × noise SNR, each VAD
 * engine under the team's "old" and "new" threshold settings, shown as heat maps, and packed into
 * a fixture pack (zip) for CI. The sweep and the pack are made in a worker by the same core call
 * as `npm run cli -- fixtures`, so the downloaded zip is byte-identical to the CLI's.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { buildPackInWorker, type SweepPack } from '../../../client/sweep-client';
import type { SourceInfo } from '../../../core/fixture-pack/readme';
import { PACK_NAME } from '../../../core/fixture-pack/pack';
import { DEFAULT_GAINS_DB, DEFAULT_SNRS_DB, DEFAULT_TOLERANCE_SEC, normalizeSweepRecipe } from '../../../core/sweep/recipe';
import type { SweepProgress } from '../../../core/sweep/sweep';
import type { NoiseKind, SweepRecipe, ThresholdSetting } from '../../../core/sweep/types';
import type { VadEngineId } from '../../../core/vad-engines/types';
import { FIXTURES, fetchFixture } from '../../fixtures';
import { engineLabel, SweepHeatMap, type HeatMetric } from './SweepHeatMap';
import './fixture-builder.css';

const SPEECH_FIXTURES = FIXTURES.filter((f) => f.path.startsWith('speech/'));
const DEFAULT_SOURCE = SPEECH_FIXTURES.find((f) => f.path.endsWith('-0880.wav'))?.path ?? SPEECH_FIXTURES[0]?.path ?? '';
const ENGINES: VadEngineId[] = ['builtin', 'webrtc', 'silero'];
const OWN_PATH = 'own-recording.wav';

interface SettingForm {
  name: string;
  gate: string;
  builtin: string;
  webrtc: string;
  silero: string;
}

type RunState =
  | { status: 'idle' }
  | { status: 'running'; progress: SweepProgress | null }
  | { status: 'error'; message: string }
  | { status: 'done'; pack: SweepPack; recipe: SweepRecipe; fromOwnFile: boolean };

const fmtList = (xs: ReadonlyArray<number | null>): string => xs.map((x) => (x === null ? '∞' : String(x))).join(' ');

/** "−6 −12, -18" → numbers; "∞"/"inf"/"none" → null where allowed. Unparseable entries are named. */
function parseList(text: string, allowNull: boolean, what: string): { values: Array<number | null>; problem: string | null } {
  const parts = text.replace(/−/g, '-').split(/[\s,;]+/).filter(Boolean);
  const values: Array<number | null> = [];
  for (const p of parts) {
    if (allowNull && /^(∞|inf|none|clean)$/i.test(p)) values.push(null);
    else if (Number.isFinite(Number(p))) values.push(Number(p));
    else return { values, problem: `${what}: "${p}" is not a number${allowNull ? ' (∞ = no noise)' : ''}` };
  }
  return { values, problem: values.length === 0 ? `${what}: give at least one value` : null };
}

function settingOf(f: SettingForm): ThresholdSetting {
  const threshold: Partial<Record<VadEngineId, number>> = {};
  for (const id of ENGINES) if (f[id].trim() !== '') threshold[id] = Number(f[id].replace(/−/g, '-'));
  const gate = f.gate.trim().replace(/−/g, '-');
  return { name: f.name, ...(Object.keys(threshold).length > 0 ? { threshold } : {}), gateDbfs: gate === '' ? null : Number(gate) };
}

function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function FixtureBuilder() {
  const [sourcePath, setSourcePath] = useState(DEFAULT_SOURCE);
  const [useOwn, setUseOwn] = useState(false);
  const [ownFile, setOwnFile] = useState<File | null>(null);
  const [ownOptIn, setOwnOptIn] = useState(false);
  const [gainsText, setGainsText] = useState(fmtList(DEFAULT_GAINS_DB));
  const [snrsText, setSnrsText] = useState(fmtList(DEFAULT_SNRS_DB));
  const [noise, setNoise] = useState<NoiseKind>('white');
  const [seed, setSeed] = useState(1);
  const [engines, setEngines] = useState<VadEngineId[]>(['builtin', 'webrtc', 'silero']);
  const [settings, setSettings] = useState<SettingForm[]>([
    { name: 'old', gate: '-40', builtin: '', webrtc: '', silero: '' },
    { name: 'new', gate: '', builtin: '', webrtc: '', silero: '' },
  ]);
  const [toleranceText, setToleranceText] = useState(String(DEFAULT_TOLERANCE_SEC));
  const [metric, setMetric] = useState<HeatMetric>('deletion');
  const [saveOwnOk, setSaveOwnOk] = useState(false);
  const [run, setRun] = useState<RunState>({ status: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const ids = { source: useId(), gains: useId(), snrs: useId(), noise: useId(), seed: useId(), tolerance: useId() };
  useEffect(() => () => abort.current?.abort(), []);

  const fromOwn = useOwn;
  const draft = useMemo(() => {
    const gains = parseList(gainsText, false, 'Gains');
    const snrs = parseList(snrsText, true, 'SNRs');
    const problems = [gains.problem, snrs.problem].filter((p): p is string => p !== null);
    const input = {
      source: { files: [fromOwn ? OWN_PATH : sourcePath], public: !fromOwn },
      gainsDb: gains.values,
      snrsDb: snrs.values,
      noise,
      seed,
      engines,
      settings: settings.map(settingOf),
      toleranceSec: Number(toleranceText),
    };
    if (problems.length > 0) return { recipe: null, problems };
    const n = normalizeSweepRecipe(input);
    return n.ok ? { recipe: n.recipe, problems: [] } : { recipe: null, problems: n.problems };
  }, [gainsText, snrsText, noise, seed, engines, settings, toleranceText, fromOwn, sourcePath]);

  const start = async (): Promise<void> => {
    if (!draft.recipe) return;
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setSaveOwnOk(false);
    setRun({ status: 'running', progress: null });
    const recipe = draft.recipe;
    try {
      let bytes: Uint8Array;
      let info: SourceInfo[] = [];
      if (fromOwn) {
        if (!ownFile || !ownOptIn) return;
        bytes = new Uint8Array(await ownFile.arrayBuffer());
      } else {
        const fixture = FIXTURES.find((f) => f.path === sourcePath);
        if (!fixture) throw new Error('That recording is not shipped with this build.');
        bytes = new Uint8Array(await (await fetchFixture(fixture, controller.signal)).arrayBuffer());
        info = [{ path: fixture.path, title: fixture.title, licence: fixture.licence, attribution: fixture.attribution }];
      }
      const result = await buildPackInWorker(recipe, [{ path: recipe.source.files[0], bytes }], info, controller.signal, (progress) => {
        if (!controller.signal.aborted) setRun({ status: 'running', progress });
      });
      if (controller.signal.aborted) return;
      setRun(result.ok ? { status: 'done', pack: result.value, recipe, fromOwnFile: fromOwn } : { status: 'error', message: result.error.message });
    } catch (error) {
      if (!controller.signal.aborted) setRun({ status: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  };

  const stop = (): void => {
    abort.current?.abort();
    setRun({ status: 'idle' });
  };

  const canRun = run.status !== 'running' && draft.recipe !== null && (!fromOwn || (ownFile !== null && ownOptIn));
  const recipeJson = run.status === 'done' ? JSON.stringify(run.recipe) : draft.recipe ? JSON.stringify(draft.recipe) : '';
  const updateSetting = (i: number, key: keyof SettingForm, value: string): void => setSettings((s) => s.map((x, j) => (j === i ? { ...x, [key]: value } : x)));

  return (
    <div className="layout drill-layout fixture-builder" data-testid="fixture-builder">
      <aside className="sidebar">
        <section className="panel" aria-labelledby="fb-heading">
          <h2 id="fb-heading" className="panel-title">
            Quiet-speaker fixture builder
          </h2>
          <p className="fine">Sweep a labelled recording over speech gain × noise SNR and see where each VAD drops the first word; export the fixtures for CI.</p>
          <fieldset className="source-choice">
            <legend>Labelled source</legend>
            <label className="check">
              <input type="radio" name="fb-source" checked={!useOwn} onChange={() => setUseOwn(false)} /> A shipped recording
            </label>
            <select id={ids.source} aria-label="Shipped recording for the sweep" value={sourcePath} onChange={(e) => setSourcePath(e.target.value)} disabled={useOwn}>
              {SPEECH_FIXTURES.map((f) => (
                <option key={f.path} value={f.path}>
                  {f.title}
                </option>
              ))}
            </select>
            <label className="check">
              <input type="radio" name="fb-source" checked={useOwn} onChange={() => setUseOwn(true)} /> My own WAV file
            </label>
            {useOwn ? (
              <>
                <input type="file" accept=".wav,audio/wav,audio/x-wav" aria-label="Your WAV file for the sweep" onChange={(e) => setOwnFile(e.target.files?.[0] ?? null)} />
                <label className="check">
                  <input type="checkbox" checked={ownOptIn} onChange={(e) => setOwnOptIn(e.target.checked)} /> Use my file: it is read and swept in this tab only
                </label>
              </>
            ) : null}
          </fieldset>
          <label htmlFor={ids.gains}>Speech gains, dB</label>
          <input id={ids.gains} value={gainsText} onChange={(e) => setGainsText(e.target.value)} />
          <label htmlFor={ids.snrs}>Noise SNRs, dB (∞ = none)</label>
          <input id={ids.snrs} value={snrsText} onChange={(e) => setSnrsText(e.target.value)} />
          <div className="fb-row">
            <span>
              <label htmlFor={ids.noise}>Noise</label>
              <select id={ids.noise} value={noise} onChange={(e) => setNoise(e.target.value as NoiseKind)}>
                <option value="white">white</option>
                <option value="pink">pink</option>
                <option value="babble">babble</option>
              </select>
            </span>
            <span>
              {/* Not "Seed": the drill above has a field of that name. */}
              <label htmlFor={ids.seed}>Noise draw</label>
              <input id={ids.seed} title="The seed of the noise: the same number gives the same noise, on the page and in the CLI" type="number" step={1} min={0} value={seed} onChange={(e) => setSeed(Math.max(0, Math.trunc(Number(e.target.value) || 0)))} />
            </span>
          </div>
          <fieldset className="source-choice">
            <legend>Engines</legend>
            {ENGINES.map((id) => (
              <label key={id} className="check">
                <input
                  type="checkbox"
                  checked={engines.includes(id)}
                  onChange={(e) => setEngines((xs) => ENGINES.filter((x) => (x === id ? e.target.checked : xs.includes(x))))}
                />{' '}
                {engineLabel(id)}
              </label>
            ))}
          </fieldset>
          <table className="fb-settings">
            <caption>Threshold settings (empty = the engine's default)</caption>
            <thead>
              <tr>
                <th scope="col">setting</th>
                <th scope="col" title="Absolute energy gate in front of every engine: 10 ms frames below it are zeroed">
                  gate dBFS
                </th>
                <th scope="col" title="Built-in threshold 0..1 (default 0.35)">
                  built-in
                </th>
                <th scope="col" title="WebRTC aggressiveness mode 0..3 (default 2)">
                  WebRTC
                </th>
                <th scope="col" title="Silero speech probability 0..1">
                  Silero
                </th>
              </tr>
            </thead>
            <tbody>
              {settings.map((s, i) => (
                <tr key={i}>
                  <th scope="row">
                    <input aria-label={`Setting ${i + 1} name`} value={s.name} onChange={(e) => updateSetting(i, 'name', e.target.value)} />
                  </th>
                  {(['gate', 'builtin', 'webrtc', 'silero'] as const).map((key) => (
                    <td key={key}>
                      <input aria-label={`${s.name}: ${key === 'gate' ? 'gate dBFS' : `${engineLabel(key)} threshold`}`} inputMode="decimal" value={s[key]} onChange={(e) => updateSetting(i, key, e.target.value)} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <label htmlFor={ids.tolerance}>First word missed beyond, s</label>
          <input id={ids.tolerance} inputMode="decimal" value={toleranceText} onChange={(e) => setToleranceText(e.target.value)} />
          {draft.problems.length > 0 ? (
            <ul className="file-error fb-problems" role="alert">
              {draft.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          ) : null}
          <div className="fb-row">
            <button type="button" className="button primary" onClick={() => void start()} disabled={!canRun}>
              {run.status === 'running' ? 'Sweeping…' : 'Run sweep'}
            </button>
            {run.status === 'running' ? (
              <button type="button" className="button" onClick={stop}>
                Stop
              </button>
            ) : null}
          </div>
        </section>
      </aside>
      <section className="content fb-content" aria-labelledby="fb-result-heading">
        <h2 id="fb-result-heading" className="fb-title">
          Where each VAD drops the first word
        </h2>
        {run.status === 'idle' ? (
          <p className="fine">
            Every cell is the labelled recording at one speech gain with noise at one SNR, run through each engine under each setting. Leading-word deletion is how far into the
            first utterance the first detected speech starts; beyond the tolerance the first word counts as missed (✗).
          </p>
        ) : null}
        {run.status === 'running' ? (
          <p className="fine pending" role="status">
            {run.progress ? `Sweeping in a worker: ${run.progress.done} of ${run.progress.total} runs (${run.progress.step})` : 'Loading the recording…'}
          </p>
        ) : null}
        {run.status === 'error' ? (
          <p className="file-error big" role="alert">
            <strong>The sweep did not run.</strong> {run.message}
          </p>
        ) : null}
        {run.status === 'done' ? (
          <div className="fb-result" data-testid="sweep-result">
            <fieldset className="fb-metric">
              <legend>Colour and number</legend>
              <label className="check">
                <input type="radio" name="fb-metric" checked={metric === 'deletion'} onChange={() => setMetric('deletion')} /> leading-word deletion (s)
              </label>
              <label className="check">
                <input type="radio" name="fb-metric" checked={metric === 'f1'} onChange={() => setMetric('f1')} /> frame F1
              </label>
            </fieldset>
            <p className="fine fb-legend">
              <span className="fb-swatch" aria-hidden="true" />
              {metric === 'deletion'
                ? `Leading-word deletion, seconds: 0 (green) to 0.5 s or more (red); ✗ = beyond ${run.recipe.toleranceSec} s, the first word is missed.`
                : 'Frame F1 over 10 ms frames: 1 (green) to 0.5 or less (red).'}{' '}
              Hover a cell for all its scores.
            </p>
            {run.recipe.engines.map((engine) => (
              <div key={engine} className="fb-engine">
                {run.recipe.settings.map((s) => (
                  <SweepHeatMap key={s.name} result={run.pack.result} engine={engine} setting={s.name} metric={metric} />
                ))}
              </div>
            ))}
            <section className="card" aria-label="Fixture pack">
              <h3>Fixture pack</h3>
              <p className="fine">
                {run.pack.result.recipe.gainsDb.length * run.pack.result.recipe.snrsDb.length} WAVs (16-bit), labels (JSON and Audacity), the recipe, the expected results above and a
                README — {(run.pack.zip.length / 1e6).toFixed(1)} MB. The CLI makes the same bytes:
              </p>
              <pre className="fb-command">
                <code>{`npm run cli -- fixtures --recipe '${recipeJson}' -o out/`}</code>
              </pre>
              {run.fromOwnFile ? (
                <label className="check">
                  <input type="checkbox" checked={saveOwnOk} onChange={(e) => setSaveOwnOk(e.target.checked)} /> I want to save audio made from my own file
                </label>
              ) : null}
              <button type="button" className="button primary" disabled={run.fromOwnFile && !saveOwnOk} onClick={() => download(run.pack.zip, `${PACK_NAME}.zip`)}>
                Download fixture pack
              </button>
            </section>
          </div>
        ) : null}
      </section>
    </div>
  );
}
