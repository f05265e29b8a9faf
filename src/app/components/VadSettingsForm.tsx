import { useId, useState, type FormEvent } from 'react';
import type { VadSettings } from '../../core/summary/types';

interface Props {
  settings: VadSettings;
  onRerun(settings: Partial<VadSettings>): void;
}

/** Re-run the analysis with other VAD settings (the same ones the CLI takes as --vad-* flags). */
export function VadSettingsForm({ settings, onRerun }: Props) {
  const id = useId();
  const [threshold, setThreshold] = useState(String(settings.threshold));
  const [minSpeech, setMinSpeech] = useState(String(settings.minSpeechSec));
  const [minSilence, setMinSilence] = useState(String(settings.minSilenceSec));
  const [pad, setPad] = useState(String(settings.padSec));
  const [floor, setFloor] = useState(settings.absoluteFloorDbfs === null ? '' : String(settings.absoluteFloorDbfs));

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const num = (v: string, fallback: number): number => (v.trim() === '' || !Number.isFinite(Number(v)) ? fallback : Number(v));
    onRerun({
      threshold: Math.min(1, Math.max(0, num(threshold, settings.threshold))),
      minSpeechSec: Math.max(0, num(minSpeech, settings.minSpeechSec)),
      minSilenceSec: Math.max(0, num(minSilence, settings.minSilenceSec)),
      padSec: Math.max(0, num(pad, settings.padSec)),
      absoluteFloorDbfs: floor.trim() === '' || !Number.isFinite(Number(floor)) ? null : Number(floor),
    });
  };

  return (
    <details className="vad-settings">
      <summary>VAD settings</summary>
      <form onSubmit={submit} className="vad-form">
        <label htmlFor={`${id}-t`}>Sensitivity (0–1)</label>
        <input id={`${id}-t`} type="number" min={0} max={1} step={0.05} value={threshold} onChange={(e) => setThreshold(e.target.value)} />
        <label htmlFor={`${id}-s`}>Min speech (s)</label>
        <input id={`${id}-s`} type="number" min={0} step={0.01} value={minSpeech} onChange={(e) => setMinSpeech(e.target.value)} />
        <label htmlFor={`${id}-q`}>Min silence (s)</label>
        <input id={`${id}-q`} type="number" min={0} step={0.01} value={minSilence} onChange={(e) => setMinSilence(e.target.value)} />
        <label htmlFor={`${id}-p`}>Padding (s)</label>
        <input id={`${id}-p`} type="number" min={0} step={0.01} value={pad} onChange={(e) => setPad(e.target.value)} />
        <label htmlFor={`${id}-f`}>Floor (dBFS, blank = off)</label>
        <input id={`${id}-f`} type="number" step={1} value={floor} onChange={(e) => setFloor(e.target.value)} />
        <button type="submit" className="button small">
          Re-analyse
        </button>
      </form>
    </details>
  );
}
