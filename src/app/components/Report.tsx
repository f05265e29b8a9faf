import { useEffect, useRef, useState } from 'react';
import type { FileReport } from '../../client/analysis-client';
import type { VadSettings } from '../../core/summary/types';
import type { Theme } from '../hooks/useTheme';
import { fmtRate, fmtSec } from '../format';
import { ExportPanel } from './ExportPanel';
import { Findings } from './Findings';
import { codecName, FormatCard } from './FormatCard';
import { ClippingCard, LayoutCard, LevelsTable, NoiseCard, SpeechCard } from './Measurements';
import { Waveform, type PlayerHandle } from './Waveform';
import { EngineRows } from './EngineRows';

interface Props {
  file: File;
  report: FileReport;
  theme: Theme;
  onRerun(vad: Partial<VadSettings>): void;
}

/**
 * False for the report's first paint, true from the next task on: the header and format card
 * appear at once, the waveform, findings and tables just after, so putting a large report on the
 * page is two tasks of moderate size instead of one long one.
 */
function useSecondPass(key: unknown): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    setReady(false);
    let timer = 0;
    const frame = requestAnimationFrame(() => {
      timer = window.setTimeout(() => setReady(true), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [key]);
  return ready;
}

export function Report({ file, report, theme, onRerun }: Props) {
  const player = useRef<PlayerHandle>(null);
  const full = useSecondPass(report);
  const { summary } = report;
  const src = summary.source;
  const seek = (sec: number): void => {
    player.current?.seek(sec);
    player.current?.focus();
  };
  return (
    <article className="report" aria-labelledby="report-title" data-testid="report">
      <header className="report-head">
        <h2 id="report-title" className="file-name">
          {file.name}
        </h2>
        <p className="report-sub">
          {codecName(src.codec)} · {fmtRate(src.decodedSampleRateHz)} · {src.channels === 1 ? 'mono' : `${src.channels} channels`} ·{' '}
          {fmtSec(src.durationSec)} · analysed in {(report.elapsedMs / 1000).toFixed(2)} s
        </p>
      </header>
      {summary.warnings.length > 0 ? (
        <ul className="warnings" aria-label="Warnings while reading">
          {summary.warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      ) : null}
      <FormatCard report={report} />
      {full ? (
        <>
          <section className="card wave-card" aria-label="Waveform">
            <Waveform
              ref={player}
              file={file}
              report={report}
              theme={theme}
              below={(view) => (
                <EngineRows
                  file={file}
                  durationSec={report.display.durationSec}
                  builtinSegments={summary.vad.segments}
                  builtinThreshold={summary.vad.settings.threshold}
                  view={view}
                  theme={theme}
                  onSeek={seek}
                />
              )}
            />
          </section>
          <Findings findings={summary.findings} notes={report.findingNotes} onSeek={seek} />
          <div className="card-grid">
            <LevelsTable summary={summary} />
            {summary.channels.length > 1 ? <LayoutCard summary={summary} /> : null}
            <SpeechCard summary={summary} onRerun={onRerun} />
            <NoiseCard summary={summary} />
            <ClippingCard summary={summary} />
            {summary.channels.length > 1 ? null : <LayoutCard summary={summary} />}
          </div>
          <ExportPanel report={report} fileName={file.name} />
        </>
      ) : (
        <p className="report-loading">Drawing the waveform…</p>
      )}
    </article>
  );
}
