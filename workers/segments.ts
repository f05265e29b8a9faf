/**
 * A long WAV split across the page's workers (the client spreads the segments over its pool).
 * The core cuts the file on its segment grid (planSegments); each segment reads only its own
 * byte range of the File (Blob.slice) through the core's segment reader (src/core/wav-segment.ts),
 * which feeds the segment analyzer and the display segment and hashes the content-hash pieces
 * the segment owns; its partial results are plain data whose buffers are transferred, never copied.
 * The merge (finishAnalysis, finishDisplay) gives exactly what one pass gives.
 *
 * A segment running here can give the rest of its stretch away (`giveAwaySegment`, called by the
 * client when another worker has nothing left to do): the two then end about together.
 */
import { createSegmentAnalyzer, MIN_SEGMENT_SEC, planSegments, type AnalysisPartial, type SegmentSpec } from '../src/core/analyze';
import { createDisplaySegment, planDisplay, type DisplayPartial, type DisplayPlan } from '../src/core/display/display';
import type { WavLayout } from '../src/core/format/wav';
import { createSegmentRegistry, hashPiecesOf, startWavSegment, type WavSegmentJob } from '../src/core/wav-segment';
import { expectedFrames, ok, type ContainerProbe, type Result } from '../src/core/types';
import { blobReader, letReadsRun, probeBlobLayout, type ProbeWithWarnings } from './core-io';
import { READING_SEGMENT_MARK } from './marks';
import { PROGRESS_INTERVAL_MS } from './progress';

export interface SplitPlan {
  layout: WavLayout;
  specs: SegmentSpec[];
  /** Per segment, the content-hash pieces it digests: [from, to) piece indices. */
  pieces: Array<{ from: number; to: number }>;
  display: DisplayPlan;
  totalFrames: number;
}

export interface SegmentJob extends WavSegmentJob {
  display: DisplayPlan;
}

/** What the merge of the analysis takes from a segment (its display partial is merged elsewhere). */
export interface SegmentAnalysis {
  analysis: AnalysisPartial;
  /** The job's content-hash pieces' shares (src/core/hash.ts), in order. */
  pieceDigests: Uint32Array[];
}

export interface SegmentResult extends SegmentAnalysis {
  display: DisplayPartial;
}

/**
 * The segments of a WAV file of `fileBytes` bytes, from the layout and probe its header gave
 * (probeBlobLayout, workers/core-io.ts), or null when it is too short to split (the one-pass
 * path takes it).
 */
export function planWavSplit(layout: WavLayout, probe: ContainerProbe, fileBytes: number, count: number): SplitPlan | null {
  const totalFrames = Math.floor(layout.dataBytes / layout.blockAlign);
  const specs = planSegments(layout.sampleRateHz, totalFrames, count);
  if (specs.length < 2) return null;
  return {
    layout,
    specs,
    pieces: hashPiecesOf(layout, specs, fileBytes),
    totalFrames,
    display: planDisplay(layout.sampleRateHz, layout.channels, expectedFrames(probe)),
  };
}

/**
 * What the worker's `probe` answers: the file's probe and, with `splitInto` ≥ 2, a WAV long
 * enough for two segments cut into that many, from the layout the probe's one header read found.
 */
export async function probeAndPlan(file: Blob, splitInto: number): Promise<Result<{ probe: ProbeWithWarnings; plan: SplitPlan | null }>> {
  const probed = await probeBlobLayout(file);
  if (!probed.ok) return probed;
  const { probe, wavLayout } = probed.value;
  const splittable = splitInto >= 2 && wavLayout !== null && probe.durationSec !== null && probe.durationSec >= 2 * MIN_SEGMENT_SEC;
  return ok({ probe, plan: splittable ? planWavSplit(wavLayout, probe, file.size, splitInto) : null });
}

/** The segments this worker is reading, by the client's ids (unique in the page). */
const running = createSegmentRegistry();

/**
 * Analyse one segment (the core's segment reader over the File: src/core/wav-segment.ts);
 * `onProgress` gets the frames of the segment's own stretch done so far, every PROGRESS_INTERVAL_MS at most.
 */
export async function analyzeWavSegment(file: Blob, job: SegmentJob, onProgress?: (framesDone: number) => void): Promise<SegmentResult> {
  const t0 = performance.now();
  const { layout, spec } = job;
  const analyzer = createSegmentAnalyzer(layout.sampleRateHz, layout.channels, spec);
  const display = createDisplaySegment(job.display, { start: spec.start, end: spec.end, firstPushed: analyzer.firstSample });
  let last = -Infinity;
  const progress = (frames: number): void => {
    const now = performance.now();
    if (now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    onProgress?.(frames);
  };
  const consumers = [
    analyzer,
    {
      firstSample: analyzer.firstSample,
      push: (c: readonly Float32Array[]) => display.push(c),
      needsMore: () => display.needsMore(),
      cut: (end: number) => display.cut(end),
    },
  ];
  const run = startWavSegment(blobReader(file), file.size, job, consumers, { onProgress: progress, letReadsRun });
  running.track(job.id, run);
  // On the worker's timeline: the segment is being read here (the e2e test of work stealing holds this worker up once it is).
  performance.mark(`${READING_SEGMENT_MARK} ${spec.start}`);
  const pieceDigests = await run.done;
  const result = { analysis: analyzer.partial(), display: display.partial(), pieceDigests };
  // Its own frames, from its start to where it ended (cut short when it gave its rest away).
  onProgress?.(result.analysis.frameCount);
  // On the worker's timeline (DevTools' Performance panel; the e2e test counts them per worker).
  performance.measure(`segment ${spec.start}–${result.analysis.final ? 'end' : spec.start + result.analysis.frameCount}`, { start: t0 });
  return result;
}

/**
 * The rest of segment `id`, running here, given away to a worker that reads `thiefFramesPerMs`
 * (WavSegmentRun.giveAway): the job for it, or null when the segment is not running here or too
 * little is left.
 */
export function giveAwaySegment(id: number, display: DisplayPlan, thiefFramesPerMs: number): SegmentJob | null {
  const rest = running.giveAway(id, thiefFramesPerMs);
  return rest && { ...rest, display };
}
