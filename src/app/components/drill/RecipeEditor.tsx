/**
 * A stack of impairments, edited in place: each step's parameters come from its spec in the
 * core registry (label, unit, range or choices), so a new impairment needs no UI code.
 */
import { useId, useState } from 'react';
import { IMPAIRMENTS, impairmentById } from '../../../core/impair/registry';
import type { ParamValue, RecipeStep } from '../../../core/impair/types';

interface Props {
  steps: RecipeStep[];
  onChange(steps: RecipeStep[]): void;
}

function defaults(id: string): Record<string, ParamValue> {
  const imp = impairmentById(id);
  return Object.fromEntries(Object.entries(imp?.params ?? {}).map(([k, spec]) => [k, spec.default]));
}

export function RecipeEditor({ steps, onChange }: Props) {
  const [adding, setAdding] = useState(IMPAIRMENTS[0].id);
  const addId = useId();
  const set = (i: number, name: string, value: ParamValue): void =>
    onChange(steps.map((s, k) => (k === i ? { ...s, params: { ...s.params, [name]: value } } : s)));
  const move = (i: number, by: number): void => {
    const next = steps.slice();
    const [s] = next.splice(i, 1);
    next.splice(i + by, 0, s);
    onChange(next);
  };
  return (
    <div className="recipe-editor">
      {steps.length === 0 ? <p className="fine">No impairments yet: add one below. They apply top to bottom.</p> : null}
      <ol className="recipe-steps">
        {steps.map((step, i) => {
          const imp = impairmentById(step.id);
          if (!imp) return null;
          return (
            <li key={i} className="recipe-step">
              <fieldset>
                <legend title={imp.description}>
                  {i + 1}. {imp.id}
                </legend>
                <p className="fine step-description">{imp.description}</p>
                <div className="step-params">
                  {Object.entries(imp.params).map(([name, spec]) => {
                    const value = step.params?.[name] ?? spec.default;
                    return (
                      <label key={name} className="step-param">
                        <span>
                          {spec.label}
                          {spec.kind === 'number' && spec.unit ? ` (${spec.unit})` : ''}
                        </span>
                        {spec.kind === 'number' ? (
                          <input
                            type="number"
                            min={spec.min}
                            max={spec.max}
                            step="any"
                            value={String(value)}
                            onChange={(e) => {
                              const v = Number(e.target.value);
                              if (e.target.value !== '' && Number.isFinite(v)) set(i, name, Math.min(spec.max, Math.max(spec.min, v)));
                            }}
                          />
                        ) : (
                          <select value={String(value)} onChange={(e) => set(i, name, e.target.value)}>
                            {spec.options.map((o) => (
                              <option key={o} value={o}>
                                {o}
                              </option>
                            ))}
                          </select>
                        )}
                      </label>
                    );
                  })}
                </div>
                <div className="step-actions">
                  <button type="button" className="button small" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move step ${i + 1} up`}>
                    ↑
                  </button>
                  <button type="button" className="button small" onClick={() => move(i, 1)} disabled={i === steps.length - 1} aria-label={`Move step ${i + 1} down`}>
                    ↓
                  </button>
                  <button type="button" className="button small" onClick={() => onChange(steps.filter((_, k) => k !== i))} aria-label={`Remove step ${i + 1} (${imp.id})`}>
                    Remove
                  </button>
                </div>
              </fieldset>
            </li>
          );
        })}
      </ol>
      <div className="add-step">
        <label htmlFor={addId}>Impairment</label>
        <select id={addId} value={adding} onChange={(e) => setAdding(e.target.value)}>
          {IMPAIRMENTS.map((imp) => (
            <option key={imp.id} value={imp.id} title={imp.description}>
              {imp.id}
            </option>
          ))}
        </select>
        <button type="button" className="button" onClick={() => onChange([...steps, { id: adding, params: defaults(adding) }])}>
          Add impairment
        </button>
      </div>
    </div>
  );
}
