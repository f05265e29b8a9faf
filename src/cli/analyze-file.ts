import { basename } from 'node:path';
import { createAnalyzer, finishAnalysis, type AnalyzeOptions, type Measurements } from '../core/analyze';
import { summarize } from '../core/summary/build';
import type { FindingThresholds } from '../core/findings/thresholds';
import type { Summary } from '../core/summary/types';
import { AudioPathError, expectedFrames, fail, ok, type Result } from '../core/types';
import { openAudioFile } from '../node/decode';
import { analyzeWavInParallel, createThreadedStream, defaultThreads } from './parallel';

/** Compressed files from this size on (about a minute of MP3) are analysed on a second thread. */
const THREADED_STREAM_BYTES = 1 << 20;

export interface AnalyzeFileOptions extends AnalyzeOptions {
  keepName?: boolean;
  thresholds?: Partial<FindingThresholds>;
  /** Analysis threads for long WAV files (default: the machine's available parallelism; 1 = one pass). */
  threads?: number;
}

/**
 * Analyse one file from disk, streaming: memory is bounded by the chunk size, not the file.
 * A long WAV file is cut into segments analysed on worker threads (parallel.ts); a long compressed
 * file is decoded here and analysed on a worker thread. Either way the result is one pass's.
 * The CLI, the eval and the benchmarks call this; the page runs the same core in a worker.
 */
export async function analyzeFile(path: string, options: AnalyzeFileOptions = {}): Promise<Result<Summary>> {
  const parallel = await analyzeWavInParallel(path, options.threads ?? defaultThreads(), options);
  if (parallel !== null) {
    if (!parallel.ok) return parallel;
    const { probe, measurements, contentHash } = parallel.value;
    return ok(
      summarize({
        probe,
        measurements,
        contentHash,
        name: basename(path),
        keepName: options.keepName ?? false,
        warnings: probe.warnings ?? [],
        thresholds: options.thresholds,
      }),
    );
  }
  const opened = await openAudioFile(path);
  if (!opened.ok) return opened;
  const audio = opened.value;
  // A long compressed file: decoded here, analysed on a worker thread.
  const threaded =
    (options.threads ?? defaultThreads()) > 1 && audio.probe.container !== 'wav' && audio.bytes >= THREADED_STREAM_BYTES
      ? await createThreadedStream(audio.probe.decodedSampleRateHz, audio.probe.channels)
      : null;
  try {
    let measurements: Measurements;
    if (threaded) {
      for await (const chunk of audio.chunks()) await threaded.push(chunk);
      const partial = await threaded.finish();
      if (!partial.ok) return partial;
      measurements = finishAnalysis([partial.value], options);
    } else {
      const analyzer = createAnalyzer(audio.probe.decodedSampleRateHz, audio.probe.channels, { ...options, expectedFrames: expectedFrames(audio.probe) });
      for await (const chunk of audio.chunks()) analyzer.push(chunk);
      measurements = analyzer.finish();
    }
    const summary = summarize({
      probe: audio.probe,
      measurements,
      contentHash: await audio.contentHash(),
      name: basename(path),
      keepName: options.keepName ?? false,
      warnings: audio.probe.warnings ?? [],
      thresholds: options.thresholds,
    });
    return ok(summary);
  } catch (error) {
    if (error instanceof AudioPathError) return fail(error.code, error.message);
    return fail('decode-failed', `Could not read the audio: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await threaded?.close();
  }
}
