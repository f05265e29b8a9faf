import { useId, useMemo, useState, type ChangeEvent } from 'react';
import { attributionUrl, FIXTURES, type Fixture } from '../fixtures';

interface Props {
  onFiles(files: File[]): void;
  onFixture(fixture: Fixture): void;
  dragging: boolean;
}

const ACCEPT = 'audio/*,.wav,.wave,.flac,.mp3,.ogg,.oga,.opus,.webm,.m4a,.mp4,.aac';

export function OpenPanel({ onFiles, onFixture, dragging }: Props) {
  const onChange = (e: ChangeEvent<HTMLInputElement>): void => {
    const files = e.target.files ? Array.from(e.target.files) : [];
    if (files.length > 0) onFiles(files);
    e.target.value = '';
  };
  return (
    <section className="panel open-panel" aria-labelledby="open-heading">
      <h2 id="open-heading" className="panel-title">
        Open
      </h2>
      <div className={`dropzone${dragging ? ' dragging' : ''}`}>
        <p className="dropzone-title">Drop audio files anywhere</p>
        <label className="button primary file-button">
          Choose audio files…
          <input type="file" multiple accept={ACCEPT} onChange={onChange} className="visually-hidden" />
        </label>
        <p className="fine">WAV, FLAC, MP3, Ogg, Opus, WebM, M4A. Read and analysed in this tab; nothing is uploaded.</p>
      </div>
      {FIXTURES.length > 0 ? <FixturePicker onFixture={onFixture} /> : null}
    </section>
  );
}

function FixturePicker({ onFixture }: { onFixture(fixture: Fixture): void }) {
  const id = useId();
  const [path, setPath] = useState(FIXTURES[0]?.path ?? '');
  const groups = useMemo(() => {
    const m = new Map<string, Fixture[]>();
    for (const f of FIXTURES) m.set(f.kind, [...(m.get(f.kind) ?? []), f]);
    return [...m.entries()];
  }, []);
  const fixture = FIXTURES.find((f) => f.path === path) ?? null;
  return (
    <div className="fixtures">
      <label htmlFor={`${id}-select`} className="field-label">
        Sample recordings
      </label>
      <div className="fixture-row">
        <select id={`${id}-select`} value={path} onChange={(e) => setPath(e.target.value)}>
          {groups.map(([kind, list]) => (
            <optgroup key={kind} label={kind}>
              {list.map((f) => (
                <option key={f.path} value={f.path}>
                  {f.title}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        <button type="button" className="button" onClick={() => fixture && onFixture(fixture)} disabled={!fixture}>
          Load sample
        </button>
      </div>
      {fixture ? (
        <p className="fine attribution" data-testid="fixture-attribution">
          <span className="mono">{fixture.path}</span> · {fixture.attribution ? `${fixture.attribution}. ` : ''}Licence:{' '}
          {fixture.licenceUrl ? (
            <a href={fixture.licenceUrl} target="_blank" rel="noopener noreferrer">
              {fixture.licence}
            </a>
          ) : (
            fixture.licence
          )}
          {attributionUrl ? (
            <>
              {' · '}
              <a href={attributionUrl} target="_blank" rel="noopener noreferrer">
                all credits
              </a>
            </>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}
