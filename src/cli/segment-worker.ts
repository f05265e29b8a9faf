/**
 * One segment of a WAV file for the CLI: the core's segment reader (src/core/wav-segment.ts) over
 * a file descriptor — its own byte range read into kernel memory, decoded into the segment
 * analyzer, its content-hash pieces hashed. The main thread calls it directly; as a
 * worker thread (node:worker_threads) this module takes jobs as messages. Jobs
 * come in as messages; each answer is plain data, `{ ok: true, value: AnalysisPartial }` or
 * `{ ok: false, error }`. A running segment gives its rest away when asked (`give-away`, or
 * giveAwayHere on the main thread; work stealing, see parallel.ts).
 */
import { parentPort } from 'node:worker_threads';
import { closeSync, openSync, readSync } from 'node:fs';
import { createSegmentAnalyzer } from '../core/analyze';
import { transferablesOf } from '../core/transferables';
import { createSegmentRegistry, startWavSegment, type WavSegmentJob } from '../core/wav-segment';
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

/** The segments this thread is reading, by their jobs' ids. */
const running = createSegmentRegistry();

/** The rest of segment `id` if this thread is reading it, for a thread that reads `thiefFramesPerMs` (or null). */
export function giveAwayHere(id: number, thiefFramesPerMs: number): WavSegmentJob | null {
  return running.giveAway(id, thiefFramesPerMs);
}

/** Segments this thread is reading now (the tests wait on it to hold the thread up mid-segment). */
export const segmentsReadingHere = (): number => running.size();

export async function analyzeSegmentOfWav(job: SegmentJob): Promise<SegmentOutcome> {
  const { layout, spec } = job;
  const analyzer = createSegmentAnalyzer(layout.sampleRateHz, layout.channels, spec);
  const fd = openSync(job.path, 'r');
  try {
    // Each piece is read straight into the segment's piece buffer in kernel memory, when the
    // reader awaits it (after it is done with the previous piece): no buffers of our own (fresh
    // memory is slow to touch on a VM) and no copy of every byte. Each read first lets the event
    // loop turn once, so the main thread, which takes segments too, still hears from its workers
    // between pieces.
    const read = (offset: number, length: number, into: () => Uint8Array): PromiseLike<Uint8Array> => ({
      then(resolve, reject) {
        return new Promise<Uint8Array>((done, failed) =>
          setImmediate(() => {
            try {
              const bytes = into().subarray(0, Math.max(0, Math.min(length, job.fileBytes - offset)));
              done(bytes.subarray(0, readSync(fd, bytes, 0, bytes.length, offset)));
            } catch (error) {
              failed(error);
            }
          }),
        ).then(resolve, reject);
      },
    });
    const run = startWavSegment(read, job.fileBytes, job, [analyzer]);
    running.track(job.id, run);
    const pieceDigests = await run.done;
    return { analysis: analyzer.partial(), pieceDigests };
  } finally {
    closeSync(fd);
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

/** A request for the rest of a segment this thread runs, and its answer. */
export interface GiveAwayMessage {
  kind: 'give-away';
  id: number;
  thiefFramesPerMs: number;
}
export interface GivenMessage {
  kind: 'given';
  id: number;
  rest: WavSegmentJob | null;
}

let stream: SegmentAnalyzer | null = null;

parentPort?.on('message', (message: SegmentJob | StreamMessage | GiveAwayMessage) => {
  if ('kind' in message && message.kind === 'give-away') {
    const given: GivenMessage = { kind: 'given', id: message.id, rest: giveAwayHere(message.id, message.thiefFramesPerMs) };
    parentPort?.postMessage(given);
    return;
  }
  if ('kind' in message) {
    try {
      if (message.kind === 'stream-start') stream = createSegmentAnalyzer(message.sampleRateHz, message.channelCount, { start: 0, end: null });
      else if (message.kind === 'stream-chunk') {
        stream?.push(message.channels);
        parentPort?.postMessage({ kind: 'ack' });
      } else {
        const partial = stream?.partial();
        stream = null;
        parentPort?.postMessage(partial ? ok(partial) : fail('decode-failed', 'The analysis stream was not started.'), partial ? transferablesOf(partial) : []);
      }
    } catch (error) {
      stream = null;
      parentPort?.postMessage(segmentFailure(error));
    }
    return;
  }
  analyzeSegmentOfWav(message).then(
    // The partial's buffers are transferred, not copied (fresh memory is slow to touch here).
    (partial) => parentPort?.postMessage(ok(partial), transferablesOf(partial)),
    (error: unknown) => parentPort?.postMessage(segmentFailure(error)),
  );
});
