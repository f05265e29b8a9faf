/** Random access to a file's bytes: a File/Blob in the page, a file descriptor in Node. */
export interface ByteSource {
  size: number;
  /** Up to `length` bytes from `offset`; fewer only at the end of the file. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A ByteSource over bytes already in memory (tests, scripts, small files). */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) };
}

/** A container that cannot be read in this long is reported, not waited for (format/probe.ts). */
export const PROBE_TIMEOUT_MS = 15_000;
/**
 * The page's header calls (probe, split plan) read a few KiB and answer in milliseconds, the
 * container probe giving up after PROBE_TIMEOUT_MS: one that has not answered this long after
 * it got its worker is on a worker that hung or died without a word (src/client/analysis-client.ts).
 */
export const HEADER_DEADLINE_MS = PROBE_TIMEOUT_MS + 5_000;
