/**
 * The list of opened files and their analyses. Jobs run in the workers through the one client
 * module, a few at a time; each has its own AbortController (Cancel terminates the workers of that
 * job only: one, or all of a long WAV's segment workers).
 */
import { startTransition, useCallback, useEffect, useReducer, useRef } from 'react';
import { analyzeFile, PARALLEL_JOBS, type FileReport, type ProgressUpdate } from '../../client/analysis-client';
import type { AnalyzeOptions } from '../../core/analyze';
import type { CoreError, Result } from '../../core/types';
import type { Fixture } from '../fixtures';

export type JobStatus = 'queued' | 'running' | 'done' | 'error' | 'cancelled';

export interface Job {
  id: string;
  file: File;
  fixture: Fixture | null;
  /** Analysis settings (VAD); the defaults unless the user re-ran with others. */
  options: AnalyzeOptions;
  /** Bumped on every retry, so a late result of an earlier run is ignored. */
  run: number;
  status: JobStatus;
  progress: ProgressUpdate | null;
  report: FileReport | null;
  error: CoreError | null;
}

type Action =
  | { type: 'add'; jobs: Job[] }
  | { type: 'start'; id: string }
  | { type: 'progress'; id: string; run: number; progress: ProgressUpdate }
  | { type: 'finish'; id: string; run: number; result: Result<FileReport> }
  | { type: 'retry'; id: string; options?: AnalyzeOptions }
  | { type: 'remove'; id: string };

function update(jobs: Job[], id: string, change: (job: Job) => Job): Job[] {
  return jobs.map((j) => (j.id === id ? change(j) : j));
}

function reducer(jobs: Job[], action: Action): Job[] {
  switch (action.type) {
    case 'add':
      return [...jobs, ...action.jobs];
    case 'start':
      return update(jobs, action.id, (j) => ({ ...j, status: 'running', progress: null, error: null }));
    case 'progress':
      return update(jobs, action.id, (j) => (j.status === 'running' && j.run === action.run ? { ...j, progress: action.progress } : j));
    case 'finish':
      return update(jobs, action.id, (j) => {
        if (j.status !== 'running' || j.run !== action.run) return j;
        if (action.result.ok) return { ...j, status: 'done', report: action.result.value, progress: null };
        const error = action.result.error;
        return { ...j, status: error.code === 'aborted' ? 'cancelled' : 'error', error, progress: null };
      });
    case 'retry':
      return update(jobs, action.id, (j) => ({
        ...j,
        options: action.options ?? j.options,
        run: j.run + 1,
        status: 'queued',
        error: null,
        report: null,
        progress: null,
      }));
    case 'remove':
      return jobs.filter((j) => j.id !== action.id);
  }
}

let nextId = 1;
const newJob = (file: File, fixture: Fixture | null): Job => ({
  id: `job-${nextId++}`,
  file,
  fixture,
  options: {},
  run: 0,
  status: 'queued',
  progress: null,
  report: null,
  error: null,
});


export interface Jobs {
  jobs: Job[];
  addFiles(files: readonly File[], fixture?: Fixture | null): string[];
  addFailed(name: string, error: CoreError, fixture?: Fixture | null): string;
  cancel(id: string): void;
  retry(id: string, options?: AnalyzeOptions): void;
  remove(id: string): void;
}

export function useJobs(): Jobs {
  const [jobs, dispatch] = useReducer(reducer, []);
  const controllers = useRef(new Map<string, AbortController>());
  const launched = useRef(new Set<string>());

  useEffect(() => {
    let running = jobs.filter((j) => j.status === 'running').length;
    for (const job of jobs) {
      if (running >= PARALLEL_JOBS) break;
      const key = `${job.id}#${job.run}`;
      if (job.status !== 'queued' || launched.current.has(key)) continue;
      launched.current.add(key);
      running++;
      const controller = new AbortController();
      controllers.current.set(job.id, controller);
      dispatch({ type: 'start', id: job.id });
      void analyzeFile(job.file, { name: job.file.name, options: job.options }, controller.signal, (progress) =>
        dispatch({ type: 'progress', id: job.id, run: job.run, progress }),
      ).then((result) => {
        if (controllers.current.get(job.id) === controller) controllers.current.delete(job.id);
        launched.current.delete(key);
        // A transition: React renders the report in slices that yield to the page, so a large
        // report never holds the main thread in one long task.
        startTransition(() => dispatch({ type: 'finish', id: job.id, run: job.run, result }));
      });
    }
  }, [jobs]);

  // Abort everything still running when the page goes away.
  useEffect(() => {
    const all = controllers.current;
    return () => {
      for (const c of all.values()) c.abort();
    };
  }, []);

  const addFiles = useCallback((files: readonly File[], fixture: Fixture | null = null) => {
    const added = files.map((f) => newJob(f, fixture));
    dispatch({ type: 'add', jobs: added });
    return added.map((j) => j.id);
  }, []);

  const addFailed = useCallback((name: string, error: CoreError, fixture: Fixture | null = null) => {
    const job: Job = { ...newJob(new File([], name), fixture), status: 'error', error };
    dispatch({ type: 'add', jobs: [job] });
    return job.id;
  }, []);

  const cancel = useCallback((id: string) => {
    controllers.current.get(id)?.abort();
  }, []);

  const retry = useCallback((id: string, options?: AnalyzeOptions) => {
    controllers.current.get(id)?.abort();
    dispatch({ type: 'retry', id, options });
  }, []);

  const remove = useCallback((id: string) => {
    controllers.current.get(id)?.abort();
    dispatch({ type: 'remove', id });
  }, []);

  return { jobs, addFiles, addFailed, cancel, retry, remove };
}
