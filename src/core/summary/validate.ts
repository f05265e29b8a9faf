import validateFn from './summary-validator.gen.js';
import type { Summary } from './types';

/**
 * The one schema check (schema/summary.schema.json), shared by the CLI, the worker and the tests.
 * It runs a validator compiled ahead of time, so it works under a CSP without 'unsafe-eval'.
 */
export function validateSummary(doc: unknown): { valid: true; summary: Summary } | { valid: false; errors: string[] } {
  if (validateFn(doc)) return { valid: true, summary: doc as Summary };
  const errors = (validateFn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  return { valid: false, errors };
}
