import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFixturePack } from '../../../src/core/fixture-pack/read';
import { normalizeSweepRecipe } from '../../../src/core/sweep/recipe';

describe('untrusted recipes and packs', () => {
  it('normalizeSweepRecipe never throws: any JSON value is a recipe or a list of problems', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const n = normalizeSweepRecipe(value);
        if (!n.ok) expect(n.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('a recipe-shaped object with random fields: ok only when every list holds numbers in range', () => {
    const recipe = fc.record({
      source: fc.record({ files: fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 3 }) }),
      gainsDb: fc.array(fc.oneof(fc.double(), fc.constant(null)), { minLength: 1, maxLength: 5 }),
      snrsDb: fc.array(fc.oneof(fc.double(), fc.constant(null)), { minLength: 1, maxLength: 5 }),
      seed: fc.oneof(fc.integer(), fc.double()),
    });
    fc.assert(
      fc.property(recipe, (r) => {
        const n = normalizeSweepRecipe(r);
        const gainsOk = r.gainsDb.every((g) => typeof g === 'number' && g >= -90 && g <= 20);
        const snrsOk = r.snrsDb.every((s) => s === null || (s >= -20 && s <= 60));
        const seedOk = Number.isInteger(r.seed) && r.seed >= 0 && r.seed <= 0xffffffff;
        expect(n.ok).toBe(gainsOk && snrsOk && seedOk);
      }),
      { numRuns: 500 },
    );
  });

  it('readFixturePack on arbitrary bytes throws only RangeError with a message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        try {
          readFixturePack(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
          expect((error as Error).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
