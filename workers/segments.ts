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
import { blobSource, DECODE_BYTES, pieceDigest, readBlob } from './core-io';
import { HASH_PIECE_BYTES } from '../src/core/hash';

export interface SplitPlan {
  layout: WavLayout;
  specs: SegmentSpec[];
  /** Per segment, the content-hash pieces it digests: [from, to) piece indices. */
  pieces: Array<{ from: number; to: number }>;
  display: DisplayPlan;
  totalFrames: number;
}

export interface SegmentJob {
  layout: WavLayout;
  spec: SegmentSpec;
  pieces: { from: number; to: number };
  display: DisplayPlan;
}

export interface SegmentResult {
  analysis: AnalysisPartial;
  display: DisplayPartial;
  /** SHA-256 of the job's content-hash pieces, in order. */
  pieceDigests: Uint8Array[];
}

/** Past a segment's end only a few ms to a few s are needed: decoded this much at a time. */
const TAIL_DECODE_BYTES = 1 << 16;
const PROGRESS_INTERVAL_MS = 100;

/** The frames the page's one pass expects from the probe, so both paths plan the same display. */
export const expectedFrames = (probe: ContainerProbe): number =>
  probe.durationSec !== null ? Math.round(probe.durationSec * probe.decodedSampleRateHz) : 0;

/**
 * Which content-hash pieces each segment digests: piece j (bytes [j·L, (j+1)·L)) belongs to the
 * segment whose bytes hold its first byte (the first segment also holds the header), so a
 * segment reads past its end to finish its last piece, and no piece is read twice for hashing.
 */
export function hashPiecesOf(layout: WavLayout, specs: SegmentSpec[], fileBytes: number): Array<{ from: number; to: number }> {
  const L = HASH_PIECE_BYTES;
  const starts = specs.map((spec, k) => (k === 0 ? 0 : layout.dataOffset + spec.start * layout.blockAlign));
  const pieceCount = Math.max(1, Math.ceil(fileBytes / L));
  return specs.map((_, k) => ({
    from: Math.ceil(starts[k] / L),
    to: k === specs.length - 1 ? pieceCount : Math.ceil(starts[k + 1] / L),
  }));
}

/** The segments of a WAV file, or null when it is too short to split (the one-pass path takes it). */
export async function planWavSplit(file: Blob, probe: ContainerProbe, count: number): Promise<Result<SplitPlan | null>> {
  const parsed = await readWavHeader(blobSource(file));
  if (!parsed.ok) return ok(null);
  const { layout } = parsed.value;
  const totalFrames = Math.floor(layout.dataBytes / layout.blockAlign);
  const specs = planSegments(layout.sampleRateHz, totalFrames, count);
  if (specs.length < 2) return ok(null);
  return ok({
    layout,
    specs,
    pieces: hashPiecesOf(layout, specs, file.size),
    totalFrames,
    display: planDisplay(layout.sampleRateHz, layout.channels, expectedFrames(probe)),
  });
}

/**
 * Analyse one segment; `onProgress` gets the frames of the segment's own stretch done so far.
 * Reads go by content-hash piece (16 MiB, one ahead): each piece the job owns is digested as it
 * arrives, its audio bytes decoded 2 MiB at a time (past the segment's end, 64 KiB at a time and
 * only while the analysis or the display still needs samples).
 */
export async function analyzeWavSegment(file: Blob, job: SegmentJob, onProgress?: (framesDone: number) => void): Promise<SegmentResult> {
  const t0 = performance.now();
  const { layout, spec, pieces } = job;
  const { blockAlign, dataOffset } = layout;
  const L = HASH_PIECE_BYTES;
  const totalFrames = Math.floor(layout.dataBytes / blockAlign);
  const analyzer = createSegmentAnalyzer(layout.sampleRateHz, layout.channels, spec);
  const display = createDisplaySegment(job.display, { start: spec.start, end: spec.end, firstPushed: analyzer.firstSample });
  const decoder = createWavDecoder(layout, { toKernels: true });
  const end = spec.end ?? totalFrames;
  const dataEnd = dataOffset + totalFrames * blockAlign;
  const ownEnd = dataOffset + end * blockAlign;
  const digests: Array<Promise<Uint8Array>> = [];
  let audioAt = dataOffset + analyzer.firstSample * blockAlign; // next audio byte to decode
  const wantsAudio = (): boolean => audioAt < dataEnd && (audioAt < ownEnd || analyzer.needsMore() || display.needsMore());
  const frameOf = (byte: number): number => Math.floor((byte - dataOffset) / blockAlign);
  let lastReport = 0;
  const report = (): void => onProgress?.(Math.max(0, Math.min(frameOf(audioAt), end) - spec.start));
  let j = Math.floor(audioAt / L);
  let next: Promise<Uint8Array> | null = readBlob(file, j * L, L);
  while (next && (j < pieces.to || wantsAudio())) {
    const bytes = await next;
    const pieceStart = j * L;
    if (bytes.length < Math.min(L, file.size - pieceStart)) {
      throw new AudioPathError('io-error', `The file ended at byte ${pieceStart + bytes.length} while being read.`);
    }
    // The next piece is read ahead when it is sure to be needed: to hash it, or for audio inside the segment.
    const following = pieceStart + L;
    next = following < file.size && (j + 1 < pieces.to || following < ownEnd) ? readBlob(file, following, L) : null;
    if (j >= pieces.from && j < pieces.to) digests.push(pieceDigest(bytes));
    const pieceEnd = pieceStart + bytes.length;
    while (audioAt < pieceEnd && wantsAudio()) {
      const inside = audioAt < ownEnd;
      const stop = Math.min(pieceEnd, dataEnd, inside ? Math.min(ownEnd, audioAt + DECODE_BYTES) : audioAt + TAIL_DECODE_BYTES);
      // Views of kernel memory, read in place by both consumers (they copy what they keep).
      const chunk = decoder.decode(bytes.subarray(audioAt - pieceStart, stop - pieceStart));
      if (inside || analyzer.needsMore()) analyzer.push(chunk);
      if (inside || display.needsMore()) display.push(chunk);
      audioAt = stop;
      const now = performance.now();
      if (now - lastReport >= PROGRESS_INTERVAL_MS) {
        lastReport = now;
        report();
      }
    }
    j++;
    if (!next && following < file.size && (j < pieces.to || wantsAudio())) next = readBlob(file, following, L);
  }
  report();
  const result = { analysis: analyzer.partial(), display: display.partial(), pieceDigests: await Promise.all(digests) };
  // On the worker's timeline (DevTools' Performance panel; the e2e test counts them per worker).
  performance.measure(`segment ${spec.start}–${spec.end ?? 'end'}`, { start: t0 });
  return result;
}
