/** Streaming content hash: the first 16 hex chars of SHA-256 over the file's bytes. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export function createContentHasher(): { update(bytes: Uint8Array): void; digestHex16(): string } {
  const h = sha256.create();
  return {
    update(bytes) {
      h.update(bytes);
    },
    digestHex16() {
      return bytesToHex(h.digest()).slice(0, 16);
    },
  };
}
