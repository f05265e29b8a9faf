/** The content hash (src/core/hash.ts) with Node's native SHA-256 for the pieces. */
import { createHash } from 'node:crypto';
import { createContentHasher } from '../core/hash';

export function createNodeContentHasher(): ReturnType<typeof createContentHasher> {
  return createContentHasher(() => {
    const h = createHash('sha256');
    return { update: (b) => void h.update(b), digest: () => new Uint8Array(h.digest()) };
  });
}
