/**
 * One segment of a WAV file for the CLI: reads its own byte range, decodes it with the core's
 * decoder and runs the core's segment analyzer over it. The main thread calls it directly; as a
 * worker thread (node:worker_threads) this module takes jobs as messages. Jobs
 * come in as messages; each answer is plain data, `{ ok: true, value: AnalysisPartial }` or
 * `{ ok: false, error }`. See parallel.ts.
 */
import { parentPort } from 'node:worker_threads';
import { open } from 'node:fs/promises';
import { createSegmentAnalyzer } from '../core/analyze';
import { createWavDecoder, type WavLayout } from '../core/format/wav';
import { AudioPathError, fail, ok, type Result } from '../core/types';
import type { AnalysisPartial, SegmentAnalyzer, SegmentSpec } from '../core/analyze';

export interface SegmentJob {
  path: string;
  layout: WavLayout;
  spec: SegmentSpec;
}

/** Bytes per read inside the segment, and past its end (where usually a few ms are enough). */
const READ_BYTES = 1 << 20;
const TAIL_READ_BYTES = 1 << 14;

export async function analyzeSegmentOfWav(job: SegmentJob): Promise<AnalysisPartial> {
  const { layout, spec } = job;
  const { blockAlign } = layout;
  const totalFrames = Math.floor(layout.dataBytes / blockAlign);
  const analyzer = createSegmentAnalyzer(layout.sampleRateHz, layout.channels, spec);
  const decoder = createWavDecoder(layout, { toKernels: true });
  const handle = await open(job.path, 'r');
  try {
    const frameBytes = Math.max(blockAlign, Math.floor(READ_BYTES / blockAlign) * blockAlign);
    // Two buffers: the next read runs (in libuv's pool) while this piece is analysed.
    const bufs = [new Uint8Array(frameBytes), new Uint8Array(frameBytes)];
    let turn = 0;
    const end = spec.end ?? totalFrames;
    const framesAt = (frame: number): number => {
      const limit = frame < end ? Math.min(end - frame, frameBytes / blockAlign) : Math.max(1, Math.floor(TAIL_READ_BYTES / blockAlign));
      return Math.min(totalFrames - frame, limit);
    };
    const readAt = (frame: number) => handle.read(bufs[turn++ & 1], 0, framesAt(frame) * blockAlign, layout.dataOffset + frame * blockAlign);
    let frame = analyzer.firstSample;
    let pending = frame < totalFrames ? readAt(frame) : null;
    try {
      while (pending && frame < totalFrames && (frame < end || analyzer.needsMore())) {
        const frames = framesAt(frame);
        const want = frames * blockAlign;
        const { bytesRead, buffer } = await pending;
        pending = null;
        if (bytesRead < want) {
          throw new AudioPathError('io-error', `The file ended at byte ${layout.dataOffset + frame * blockAlign + bytesRead} while being read.`);
        }
        const next = frame + frames;
        // Read ahead only inside the segment: past its end, how much is needed depends on this piece.
        if (next < end && next < totalFrames) pending = readAt(next);
        analyzer.push(decoder.decode(buffer.subarray(0, want)));
        frame = next;
        if (!pending && frame < totalFrames && (frame < end || analyzer.needsMore())) pending = readAt(frame);
      }
    } finally {
      await pending?.catch(() => undefined);
    }
    return analyzer.partial();
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
