import type { Job } from '../hooks/useJobs';
import { errorMessage, errorTitle } from '../error-text';
import { fmtBytes } from '../format';
import { progressDetail, stageLabel } from '../progress';

interface Props {
  jobs: Job[];
  selectedId: string | null;
  onSelect(id: string): void;
  onCancel(id: string): void;
  onRetry(id: string): void;
  onRemove(id: string): void;
}

function statusText(job: Job): string {
  switch (job.status) {
    case 'queued':
      return 'Waiting';
    case 'running':
      return job.progress ? `${stageLabel(job.progress.stage)} ${Math.round(job.progress.fraction * 100)} %` : 'Starting';
    case 'done': {
      const s = job.report?.summary;
      if (!s) return 'Done';
      const n = s.findings.length;
      return `${s.source.decodedSampleRateHz / 1000} kHz · ${s.source.channels} ch · ${n === 0 ? 'no findings' : `${n} finding${n === 1 ? '' : 's'}`}`;
    }
    case 'cancelled':
      return 'Cancelled';
    case 'error':
      return 'Could not analyse';
  }
}

export function FileList({ jobs, selectedId, onSelect, onCancel, onRetry, onRemove }: Props) {
  return (
    <section className="panel files-panel" aria-labelledby="files-heading">
      <h2 id="files-heading" className="panel-title">
        Files <span className="count">{jobs.length}</span>
      </h2>
      {jobs.length === 0 ? (
        <p className="fine">No files yet. Open one, or load a sample.</p>
      ) : (
        <ul className="file-list">
          {jobs.map((job) => {
            const worst = job.report?.summary.findings[0]?.severity;
            return (
              <li
                key={job.id}
                className={`file-item status-${job.status}${job.id === selectedId ? ' selected' : ''}`}
                data-testid="file-item"
                data-status={job.status}
              >
                <button
                  type="button"
                  className="file-select"
                  onClick={() => onSelect(job.id)}
                  aria-current={job.id === selectedId ? 'true' : undefined}
                >
                  <span className="file-name">{job.file.name}</span>
                  <span className="file-meta">
                    {worst ? <span className={`dot dot-${worst}`} aria-hidden="true" /> : null}
                    {statusText(job)}
                    {job.status !== 'error' ? <span className="muted"> · {fmtBytes(job.file.size)}</span> : null}
                  </span>
                </button>
                {job.status === 'running' || job.status === 'queued' ? (
                  <div className="file-progress">
                    <progress
                      max={1}
                      value={job.progress?.fraction ?? undefined}
                      aria-label={`Progress for ${job.file.name}`}
                    />
                    <button type="button" className="button small" onClick={() => onCancel(job.id)} aria-label={`Cancel ${job.file.name}`}>
                      Cancel
                    </button>
                    {progressDetail(job.progress) ? (
                      <span className="file-progress-detail fine" data-testid="progress-detail">
                        {progressDetail(job.progress)}
                      </span>
                    ) : null}
                  </div>
                ) : null}
                {job.status === 'error' && job.error ? (
                  <p className="file-error" role="alert" data-testid="file-error" data-code={job.error.code}>
                    <strong>{errorTitle(job.error)}.</strong> {errorMessage(job.error)}
                  </p>
                ) : null}
                <div className="file-actions">
                  {job.status === 'cancelled' || (job.status === 'error' && job.file.size > 0) ? (
                    <button type="button" className="link" onClick={() => onRetry(job.id)}>
                      Retry
                    </button>
                  ) : null}
                  <button type="button" className="link" onClick={() => onRemove(job.id)} aria-label={`Remove ${job.file.name}`}>
                    Remove
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
