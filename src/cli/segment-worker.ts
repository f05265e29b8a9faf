/**
 * One segment of a WAV file for the CLI: the core's segment reader (src/core/wav-segment.ts) over
 * a file handle — its own byte range decoded into the segment analyzer, its content-hash pieces
 * hashed. The main thread calls it directly; as a
 * worker thread (node:worker_threads) this module takes jobs as messages. Jobs
 * come in as messages; each answer is plain data, `{ ok: true, value: AnalysisPartial }` or
 * `{ ok: false, error }`. See parallel.ts.
 */
import { parentPort } from 'node:worker_threads';
import { open } from 'node:fs/promises';
import { createSegmentAnalyzer } from '../core/analyze';
import { HASH_PIECE_BYTES } from '../core/hash';
import { readWavSegment, type WavSegmentJob } from '../core/wav-segment';
import { AudioPathError, fail, ok, type Result } from '../core/types';
import type { AnalysisPartial, SegmentAnalyzer } from '../core/analyze';

export interface SegmentJob extends WavSegmentJob {
  path: string;
  fileBytes: number;
}

export interface SegmentOutcome {
  analysis: AnalysisPartial;
  /** The content-hash shares of the pieces the segment owns (src/core/wav-segment.ts). */
  pieceDigests: Uint32Array[];
}

export async function analyzeSegmentOfWav(job: SegmentJob): Promise<SegmentOutcome> {
  const { layout, spec } = job;
  const analyzer = createSegmentAnalyzer(layout.sampleRateHz, layout.channels, spec);
  const handle = await open(job.path, 'r');
  try {
    // The reader keeps at most one read ahead of the piece in use: two buffers take turns.
    const bufs = [new Uint8Array(HASH_PIECE_BYTES), new Uint8Array(HASH_PIECE_BYTES)];
    let turn = 0;
    const read = async (offset: number, length: number): Promise<Uint8Array> => {
      const buf = bufs[turn++ & 1];
      const { bytesRead } = await handle.read(buf, 0, Math.min(length, buf.length, job.fileBytes - offset), offset);
      return buf.subarray(0, bytesRead);
    };
    const pieceDigests = await readWavSegment(read, job.fileBytes, job, [analyzer]);
    return { analysis: analyzer.partial(), pieceDigests };
  } finally {
    await handle.close();
  }
}

/** A thrown error as the plain-data failure the CLI reports. */
export function segmentFailure(error: unknown): Result<never> {
  return error instanceof AudioPathError
    ? fail(error.code, error.message)
    : fail('decode-failed', `Could not read the audio: ${error instanceof Error ? error.message : String(error)}`);
}

/** A stream of chunks decoded elsewhere (the main thread), analysed here as one segment. */
export type StreamMessage =
  | { kind: 'stream-start'; sampleRateHz: number; channelCount: number }
  | { kind: 'stream-chunk'; channels: Float32Array[] }
  | { kind: 'stream-end' };

let stream: SegmentAnalyzer | null = null;

parentPort?.on('message', (message: SegmentJob | StreamMessage) => {
  if ('kind' in message) {
    try {
      if (message.kind === 'stream-start') stream = createSegmentAnalyzer(message.sampleRateHz, message.channelCount, { start: 0, end: null });
      else if (message.kind === 'stream-chunk') {
        stream?.push(message.channels);
        parentPort?.postMessage({ kind: 'ack' });
      } else {
        const partial = stream?.partial();
        stream = null;
        parentPort?.postMessage(partial ? ok(partial) : fail('decode-failed', 'The analysis stream was not started.'));
      }
    } catch (error) {
      stream = null;
      parentPort?.postMessage(segmentFailure(error));
    }
    return;
  }
  analyzeSegmentOfWav(message).then(
    (partial) => parentPort?.postMessage(ok(partial)),
    (error: unknown) => parentPort?.postMessage(segmentFailure(error)),
  );
});
