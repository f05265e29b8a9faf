import { useEffect, useRef, useState } from 'react';
import { FileList } from './components/FileList';
import { OpenPanel } from './components/OpenPanel';
import { Report } from './components/Report';
import { DrillView } from './components/drill/DrillView';
import type { VadSettings } from '../core/summary/types';
import { errorMessage, errorTitle } from './error-text';
import { fetchFixture, type Fixture } from './fixtures';
import { useJobs, type Job } from './hooks/useJobs';
import { useTheme, type ThemeChoice } from './hooks/useTheme';
import { progressDetail, stageLabel } from './progress';

function useWindowDrop(onFiles: (files: File[]) => void): boolean {
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);
  const onFilesRef = useRef(onFiles);
  onFilesRef.current = onFiles;
  useEffect(() => {
    const hasFiles = (e: DragEvent): boolean => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      depth.current++;
      setDragging(true);
    };
    const leave = (): void => {
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    };
    // Without this the browser would open a dropped file in place of the page.
    const over = (e: DragEvent): void => {
      if (hasFiles(e)) e.preventDefault();
    };
    const drop = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current = 0;
      setDragging(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length > 0) onFilesRef.current(files);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return dragging;
}

interface JobViewProps {
  job: Job;
  theme: 'light' | 'dark';
  onCancel(): void;
  onRerun(vad: Partial<VadSettings>): void;
}

function JobView({ job, theme, onCancel, onRerun }: JobViewProps) {
  if (job.status === 'done' && job.report) {
    return <Report key={`${job.id}#${job.run}`} file={job.file} report={job.report} theme={theme} onRerun={onRerun} />;
  }
  return (
    <article className="report report-pending" aria-labelledby="pending-title">
      <h2 id="pending-title" className="file-name">
        {job.file.name}
      </h2>
      {job.status === 'error' && job.error ? (
        <p className="file-error big" role="alert">
          <strong>{errorTitle(job.error)}.</strong> {errorMessage(job.error)}
        </p>
      ) : job.status === 'cancelled' ? (
        <p className="fine">Cancelled. Retry it from the list.</p>
      ) : (
        <div className="pending" aria-live="polite">
          <progress max={1} value={job.progress?.fraction ?? undefined} aria-label={`Progress for ${job.file.name}`} />
          <p className="fine">
            {job.status === 'queued'
              ? 'Waiting for a free worker…'
              : job.progress
                ? `${stageLabel(job.progress.stage)} ${Math.round(job.progress.fraction * 100)} %${progressDetail(job.progress) ? ` — ${progressDetail(job.progress)}` : ''}.`
                : 'Starting…'}{' '}
            The page stays responsive; you can open other files meanwhile.
          </p>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      )}
    </article>
  );
}

export function App() {
  const { choice, theme, setChoice } = useTheme();
  const [mode, setMode] = useState<'analyse' | 'drills'>('analyse');
  const { jobs, addFiles, addFailed, cancel, retry, remove } = useJobs();
  const [selectedId, setSelectedId] = useState<string | null>(null);

  const open = (files: File[]): void => {
    const ids = addFiles(files);
    if (ids.length > 0) setSelectedId(ids[0]);
  };
  const openFixture = async (fixture: Fixture): Promise<void> => {
    try {
      const file = await fetchFixture(fixture);
      const [id] = addFiles([file], fixture);
      setSelectedId(id);
    } catch {
      setSelectedId(addFailed(fixture.path.split('/').pop() ?? fixture.path, { code: 'io-error', message: 'The sample could not be loaded.' }, fixture));
    }
  };
  const dragging = useWindowDrop(open);

  // Keep a valid selection when files are removed.
  useEffect(() => {
    if (selectedId !== null && !jobs.some((j) => j.id === selectedId)) setSelectedId(jobs[0]?.id ?? null);
  }, [jobs, selectedId]);

  const selected = jobs.find((j) => j.id === selectedId) ?? null;

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <h1>Audio Path Lab</h1>
          <p className="tagline">What did the audio path do to this recording? Analysed in this tab, never uploaded.</p>
        </div>
        <nav className="modes" aria-label="Mode">
          <button type="button" className="mode" aria-pressed={mode === 'analyse'} onClick={() => setMode('analyse')}>
            Analyse files
          </button>
          <button type="button" className="mode" aria-pressed={mode === 'drills'} onClick={() => setMode('drills')}>
            Failure drills
          </button>
        </nav>
        <label className="theme-select">
          <span>Theme</span>
          <select value={choice} onChange={(e) => setChoice(e.target.value as ThemeChoice)}>
            <option value="auto">System</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
      </header>
      {mode === 'drills' ? <DrillView theme={theme} /> : null}
      <div className="layout" hidden={mode !== 'analyse'}>
        <aside className="sidebar">
          <OpenPanel onFiles={open} onFixture={(f) => void openFixture(f)} dragging={dragging} />
          <FileList jobs={jobs} selectedId={selectedId} onSelect={setSelectedId} onCancel={cancel} onRetry={retry} onRemove={remove} />
        </aside>
        <main className="content">
          {selected ? (
            <JobView
              job={selected}
              theme={theme}
              onCancel={() => cancel(selected.id)}
              onRerun={(vad) => retry(selected.id, { vad })}
            />
          ) : (
            <section className="empty" aria-label="Getting started">
              <h2>Open a recording to see what happened to it</h2>
              <ul>
                <li>Format as declared and as decoded, and the bandwidth the audio really uses</li>
                <li>Levels, clipping, silence, speech segments, SNR and channel layout</li>
                <li>A waveform with the speech segments, and a spectrogram at the file’s own rate</li>
                <li>Findings in plain words, and a summary you can export: numbers only, never audio</li>
              </ul>
              <p className="fine">Everything runs in this browser tab. The page makes no requests beyond its own files and works offline once loaded.</p>
            </section>
          )}
        </main>
      </div>
    </div>
  );
}
