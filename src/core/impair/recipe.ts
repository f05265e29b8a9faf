import { mulberry32 } from '../dsp/rng';
import type { PcmAudio } from '../types';
import { impairmentById } from './registry';
import type { ParamValue, Recipe } from './types';

/** Each step gets its own stream, so editing one step never changes another step's randomness. */
const stepSeed = (seed: number, index: number): number => (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;

/** Check a recipe against the registry: ids, parameter names, types and ranges. */
export function validateRecipe(recipe: Recipe): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(recipe.seed)) problems.push('seed must be an integer');
  recipe.steps.forEach((step, i) => {
    const imp = impairmentById(step.id);
    if (!imp) {
      problems.push(`step ${i + 1}: unknown impairment "${step.id}"`);
      return;
    }
    for (const [name, value] of Object.entries(step.params ?? {})) {
      const spec = imp.params[name];
      if (!spec) problems.push(`step ${i + 1} (${step.id}): unknown parameter "${name}"`);
      else if (spec.kind === 'number' && (typeof value !== 'number' || !(value >= spec.min && value <= spec.max)))
        problems.push(`step ${i + 1} (${step.id}): ${name} must be a number in [${spec.min}, ${spec.max}] ${spec.unit}`.trimEnd());
      else if (spec.kind === 'choice' && (typeof value !== 'string' || !spec.options.includes(value)))
        problems.push(`step ${i + 1} (${step.id}): ${name} must be one of ${spec.options.join(', ')}`);
    }
  });
  return problems;
}

/** Apply a recipe's steps in order. Throws RangeError on an invalid recipe. */
export function applyRecipe(audio: PcmAudio, recipe: Recipe): PcmAudio {
  const problems = validateRecipe(recipe);
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  let out = audio;
  recipe.steps.forEach((step, i) => {
    const imp = impairmentById(step.id);
    if (!imp) return;
    const params: Record<string, ParamValue> = {};
    for (const [name, spec] of Object.entries(imp.params)) params[name] = step.params?.[name] ?? spec.default;
    out = imp.apply(out, params, mulberry32(stepSeed(recipe.seed, i)));
  });
  return out;
}
