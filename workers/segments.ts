/**
 * A long WAV split across the page's workers (the client spreads the segments over its pool).
 * The core cuts the file on its segment grid (planSegments); each segment reads only its own
 * byte range of the File (Blob.slice), decodes it with the core WAV decoder and feeds the core's
 * segment analyzer and the display segment, from 2 s before its start to past its end as far as
 * they need; its partial results are plain data whose buffers are transferred, never copied.
 * The merge (finishAnalysis, finishDisplay) gives exactly what one pass gives.
 */
import { createSegmentAnalyzer, planSegments, type AnalysisPartial, type SegmentSpec } from '../src/core/analyze';
import { createDisplaySegment, planDisplay, type DisplayPartial, type DisplayPlan } from '../src/core/display/display';
import { createWavDecoder, readWavHeader, type WavLayout } from '../src/core/format/wav';
import { AudioPathError, ok, type ContainerProbe, type Result } from '../src/core/types';
import { blobSource } from './core-io';

export interface SplitPlan {
  layout: WavLayout;
  specs: SegmentSpec[];
  display: DisplayPlan;
  totalFrames: number;
}

export interface SegmentJob {
  layout: WavLayout;
  spec: SegmentSpec;
  display: DisplayPlan;
}

export interface SegmentResult {
  analysis: AnalysisPartial;
  display: DisplayPartial;
}

/** Bytes per read inside the segment, and past its end (where a few ms to a few s are needed). */
const READ_BYTES = 1 << 20;
const TAIL_READ_BYTES = 1 << 16;
const PROGRESS_INTERVAL_MS = 100;

/** The frames the page's one pass expects from the probe, so both paths plan the same display. */
export const expectedFrames = (probe: ContainerProbe): number =>
  probe.durationSec !== null ? Math.round(probe.durationSec * probe.decodedSampleRateHz) : 0;

/** The segments of a WAV file, or null when it is too short to split (the one-pass path takes it). */
export async function planWavSplit(file: Blob, probe: ContainerProbe, count: number): Promise<Result<SplitPlan | null>> {
  const parsed = await readWavHeader(blobSource(file));
  if (!parsed.ok) return ok(null);
  const { layout } = parsed.value;
  const totalFrames = Math.floor(layout.dataBytes / layout.blockAlign);
  const specs = planSegments(layout.sampleRateHz, totalFrames, count);
  if (specs.length < 2) return ok(null);
  return ok({ layout, specs, totalFrames, display: planDisplay(layout.sampleRateHz, layout.channels, expectedFrames(probe)) });
}

/** Analyse one segment; `onProgress` gets the frames of the segment's own stretch done so far. */
export async function analyzeWavSegment(file: Blob, job: SegmentJob, onProgress?: (framesDone: number) => void): Promise<SegmentResult> {
  const t0 = performance.now();
  const { layout, spec } = job;
  const { blockAlign } = layout;
  const totalFrames = Math.floor(layout.dataBytes / blockAlign);
  const analyzer = createSegmentAnalyzer(layout.sampleRateHz, layout.channels, spec);
  const display = createDisplaySegment(job.display, { start: spec.start, end: spec.end, firstPushed: analyzer.firstSample });
  const decoder = createWavDecoder(layout, { toKernels: true });
  const end = spec.end ?? totalFrames;
  const bigFrames = Math.max(1, Math.floor(READ_BYTES / blockAlign));
  const tailFrames = Math.max(1, Math.floor(TAIL_READ_BYTES / blockAlign));
  const frameRange = (frame: number): number => Math.min(totalFrames - frame, frame < end ? Math.min(end - frame, bigFrames) : tailFrames);
  const read = (frame: number, frames: number): Promise<ArrayBuffer> => {
    const offset = layout.dataOffset + frame * blockAlign;
    return file.slice(offset, offset + frames * blockAlign).arrayBuffer();
  };
  // One read ahead inside the segment: the next megabyte loads while this one is analysed.
  let ahead: { frame: number; bytes: Promise<ArrayBuffer> } | null = null;
  let lastReport = 0;
  let frame = analyzer.firstSample;
  while (frame < totalFrames && (frame < end || analyzer.needsMore() || display.needsMore())) {
    const frames = frameRange(frame);
    const pending: Promise<ArrayBuffer> = ahead !== null && ahead.frame === frame ? ahead.bytes : read(frame, frames);
    const next = frame + frames;
    ahead = next < end && next < totalFrames ? { frame: next, bytes: read(next, frameRange(next)) } : null;
    const bytes = new Uint8Array(await pending);
    if (bytes.length < frames * blockAlign) {
      throw new AudioPathError('io-error', `The file ended at byte ${layout.dataOffset + frame * blockAlign + bytes.length} while being read.`);
    }
    // Views of kernel memory, read in place by both consumers (they copy what they keep).
    const chunk = decoder.decode(bytes);
    // Past the end, each consumer only while it still needs samples.
    if (frame < end || analyzer.needsMore()) analyzer.push(chunk);
    if (frame < end || display.needsMore()) display.push(chunk);
    frame = next;
    const now = performance.now();
    if (onProgress && now - lastReport >= PROGRESS_INTERVAL_MS) {
      lastReport = now;
      onProgress(Math.max(0, Math.min(frame, end) - spec.start));
    }
  }
  onProgress?.(Math.max(0, Math.min(frame, end) - spec.start));
  const result = { analysis: analyzer.partial(), display: display.partial() };
  // On the worker's timeline (DevTools' Performance panel; the e2e test counts them per worker).
  performance.measure(`segment ${spec.start}–${spec.end ?? 'end'}`, { start: t0 });
  return result;
}
