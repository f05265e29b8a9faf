/**
 * One segment of a split WAV file, read from wherever the bytes are (a File in the page's
 * workers, a file handle in the CLI's threads): reads go by content-hash piece (1 MiB, one
 * ahead), each piece the segment owns is hashed as it arrives (src/core/hash.ts), and its audio
 * bytes are decoded a piece at a time into kernel memory and pushed to the consumers — the
 * segment analyzer and, in the page, the display — from 2 s before the segment's start to past
 * its end, there 64 KiB at a time and only while a consumer still needs samples.
 *
 * A segment being read can give the rest of its stretch away (`giveAway`): when one thread runs
 * out of segments while another is still on one, the busy one's segment is cut where both would
 * end together and the idle one takes the rest as a segment of its own (work stealing). The cut
 * lies ahead of everything read, so the segments merge exactly as if they had been planned so.
 */
import { SEGMENT_WARMUP_SEC, segmentGrid, type SegmentSpec } from './analyze';
import { createWavDecoder, type WavLayout } from './format/wav';
import { HASH_PIECE_BYTES, hashPiece, hashPieceBuffer, pieceCount } from './hash';
import { kernels } from './kernels/runtime';
import { AudioPathError } from './types';

export interface WavSegmentJob {
  layout: WavLayout;
  spec: SegmentSpec;
  /** The content-hash pieces this segment hashes: [from, to) piece indices (hashPiecesOf). */
  pieces: { from: number; to: number };
  /** The caller's name for the segment while it runs (a SegmentRegistry's), unique among its runs. */
  id?: number;
}

export interface SegmentConsumer {
  /** The first sample it wants (absolute): where reading starts. */
  readonly firstSample: number;
  push(channels: readonly Float32Array[]): void;
  /** True while it needs samples past the segment's end. */
  needsMore(): boolean;
  /**
   * The segment ends at `end` instead (on the segment grid, past every sample pushed): see
   * SegmentAnalyzer.cut. A consumer without it cannot be cut: the segment is never given away.
   */
  cut?(end: number): boolean | void;
}

/** A segment being read. */
export interface WavSegmentRun {
  /** The shares of the content-hash pieces it hashed, in order, once it is done. */
  readonly done: Promise<Uint32Array[]>;
  /** Frames pushed to every consumer so far, from the first consumer's `firstSample`. */
  pushedFrames(): number;
  /**
   * Cut the segment where this thread, reading `ownFramesPerMs`, and one that starts on the rest
   * now, reading `thiefFramesPerMs`, would end together (stealCut), and give the rest away: the
   * job of the rest (from the cut to the old end, with the pieces it now owns), or null when too
   * little is left to be worth a segment, the segment has ended, or a consumer cannot be cut.
   * Call it between the reads (any time the thread runs something else, as a message handler in
   * a worker does).
   */
  giveAway(ownFramesPerMs: number, thiefFramesPerMs: number): WavSegmentJob | null;
}

/**
 * The segments one thread is reading, by their jobs' ids, for another thread's request for the
 * rest of one (work stealing): each is tracked while it runs, from when it started, which gives
 * its own speed.
 */
export interface SegmentRegistry {
  /** Track `run` under `id` until it is done (a job without an id is not tracked). */
  track(id: number | undefined, run: WavSegmentRun): void;
  /** The rest of segment `id` for a thread that reads `thiefFramesPerMs` (giveAway), or null when it is not running here. */
  giveAway(id: number, thiefFramesPerMs: number): WavSegmentJob | null;
  /** Segments running here now. */
  size(): number;
}

export function createSegmentRegistry(): SegmentRegistry {
  const running = new Map<number, { run: WavSegmentRun; startedMs: number }>();
  return {
    track(id, run) {
      if (id === undefined) return;
      running.set(id, { run, startedMs: performance.now() });
      run.done.then(
        () => running.delete(id),
        () => running.delete(id),
      );
    },
    giveAway(id, thiefFramesPerMs) {
      const segment = running.get(id);
      if (!segment) return null;
      const ownFramesPerMs = segment.run.pushedFrames() / (performance.now() - segment.startedMs);
      return segment.run.giveAway(ownFramesPerMs, thiefFramesPerMs);
    },
    size: () => running.size,
  };
}

/**
 * The segments of a split file while threads run them: the planned ones, then each rest a
 * running one gave away, as jobs with their content-hash pieces and ids (from `newId`). An
 * index never changes; the merge takes them in file order.
 */
export interface SegmentTable {
  /** Planned segments: indices below this; rests follow. */
  readonly planned: number;
  /** Segments so far, rests included. */
  count(): number;
  job(k: number): WavSegmentJob & { id: number };
  /** Segment k gave `rest` away (WavSegmentRun.giveAway): it now ends where the rest starts, and the rest is a segment of its own, whose index this returns. */
  addRest(k: number, rest: WavSegmentJob): number;
  /** Every index, in file order (a rest starts after the segment it was cut from). */
  inFileOrder(): number[];
}

export function createSegmentTable(layout: WavLayout, specs: readonly SegmentSpec[], pieces: ReadonlyArray<{ from: number; to: number }>, newId: () => number): SegmentTable {
  const jobs: Array<WavSegmentJob & { id: number }> = specs.map((spec, k) => ({ layout, spec, pieces: pieces[k], id: newId() }));
  return {
    planned: jobs.length,
    count: () => jobs.length,
    job: (k) => jobs[k],
    addRest(k, rest) {
      jobs[k] = { ...jobs[k], spec: { ...jobs[k].spec, end: rest.spec.start } };
      return jobs.push({ ...rest, id: newId() }) - 1;
    },
    inFileOrder: () => jobs.map((_, k) => k).sort((a, b) => jobs[a].spec.start - jobs[b].spec.start),
  };
}

/**
 * Work stealing, the thief's side (the page's workers and the CLI's threads alike): the rest of a
 * running segment as a new segment of `table`, asked of the running ones with the most `left`
 * first; its index, or null when none gave one (each owner decides, WavSegmentRun.giveAway) or
 * `ask` answered undefined (stop asking: the job failed or was cancelled).
 */
export async function takeRest(
  table: SegmentTable,
  running: Iterable<number>,
  left: (k: number) => number,
  ask: (k: number) => Promise<WavSegmentJob | null | undefined>,
): Promise<number | null> {
  for (const k of [...running].sort((a, b) => left(b) - left(a))) {
    const rest = await ask(k);
    if (rest === undefined) return null;
    if (rest) return table.addRest(k, rest);
  }
  return null;
}

/**
 * What a segment given away costs its new thread before it reads its own audio, ms: a fresh
 * stream's first read, the accumulators and the display made, the partials sent; measured in
 * Chromium traces here (~20–25 ms on 2 busy cores), besides the warm-up it reads.
 */
export const STEAL_START_MS = 25;

/**
 * Where to cut a running segment [start, end) for another thread to take the rest: the grid
 * point nearest to where both end together — this one goes on from `pushed` (before `start`
 * while it reads its warm-up) at `ownFramesPerMs`, taken to be the other's when it is not known
 * yet (nothing pushed); the other starts after STEAL_START_MS and reads the warm-up before the
 * cut at `thiefFramesPerMs` — and strictly past both `pushed` and `start`. Null when the rest
 * would keep the other thread busy less than 2 × STEAL_START_MS (its start would cost about
 * what it saves).
 */
export function stealCut(
  at: { pushed: number; start: number; end: number; grid: number; warmupFrames: number },
  ownFramesPerMs: number,
  thiefFramesPerMs: number,
): number | null {
  const { pushed, start, end, grid, warmupFrames } = at;
  if (!(thiefFramesPerMs > 0)) return null;
  const own = ownFramesPerMs > 0 && Number.isFinite(ownFramesPerMs) ? ownFramesPerMs : thiefFramesPerMs;
  // x frames more here take x / own ms; the rest, STEAL_START_MS + (end − pushed − x + warm-up) / thief.
  const x = (STEAL_START_MS + (end - pushed + warmupFrames) / thiefFramesPerMs) / (1 / own + 1 / thiefFramesPerMs);
  const cut = Math.max(Math.round((pushed + x) / grid), Math.floor(Math.max(pushed, start) / grid) + 1) * grid;
  return (end - cut) / thiefFramesPerMs >= 2 * STEAL_START_MS ? cut : null;
}

/**
 * Bytes [offset, offset + length) of the file, fewer only at its end. A reader may read them into
 * `into` (the segment's piece buffer in kernel memory, `length` bytes at least) and return that
 * view, filled when the result is awaited: the segment asks for a piece ahead and awaits it only
 * after it is done with the previous one. Other readers return bytes of their own, copied in.
 */
export type ReadBytes = (offset: number, length: number, into: () => Uint8Array) => PromiseLike<Uint8Array>;

export interface SegmentReadOptions {
  onProgress?: (framesDone: number) => void;
  /**
   * Called between decoded chunks while the next piece is being read, for readers whose reads
   * only advance when the thread returns to its event loop (a Blob stream in a worker); a file
   * handle's reads run on other threads and need none.
   */
  letReadsRun?: () => Promise<void>;
}

/** Decoded per call inside the segment, and past its end. */
export const DECODE_BYTES = 1 << 20;
const TAIL_DECODE_BYTES = 1 << 16;
/** Decoded per call while a read waits for the event loop (letReadsRun): a Blob stream brings ≤ 2 MiB per turn. */
const READING_DECODE_BYTES = 1 << 19;

/**
 * Which content-hash pieces each segment hashes: piece j (bytes [j·L, (j+1)·L)) belongs to the
 * segment whose bytes hold its first byte (the first segment also holds the header), so a segment
 * reads past its end to finish its last piece, and no piece is hashed twice.
 */
export function hashPiecesOf(layout: WavLayout, specs: readonly SegmentSpec[], fileBytes: number): Array<{ from: number; to: number }> {
  const L = HASH_PIECE_BYTES;
  const starts = specs.map((spec, k) => (k === 0 ? 0 : layout.dataOffset + spec.start * layout.blockAlign));
  const count = pieceCount(fileBytes);
  return specs.map((_, k) => ({
    from: Math.ceil(starts[k] / L),
    to: k === specs.length - 1 ? count : Math.ceil(starts[k + 1] / L),
  }));
}

/**
 * Start reading, decoding and hashing one segment; `onProgress` gets the frames of its own
 * stretch done so far. Its `done` gives the shares of the pieces it hashed, in order
 * (contentHashOfPieces merges every segment's); its `giveAway` cuts it short while it runs.
 */
export function startWavSegment(
  readBytes: ReadBytes,
  fileBytes: number,
  job: WavSegmentJob,
  consumers: readonly SegmentConsumer[],
  { onProgress, letReadsRun }: SegmentReadOptions = {},
): WavSegmentRun {
  const { layout, spec } = job;
  const { blockAlign, dataOffset } = layout;
  const L = HASH_PIECE_BYTES;
  const totalFrames = Math.floor(layout.dataBytes / blockAlign);
  // Where the segment ends and the pieces it hashes: moved back when it gives its rest away.
  let end = spec.end ?? totalFrames;
  let ownEnd = dataOffset + end * blockAlign;
  let piecesTo = job.pieces.to;
  const firstSample = Math.min(...consumers.map((c) => c.firstSample));
  let audioAt = dataOffset + firstSample * blockAlign; // the next audio byte to decode
  let finished = false;

  // Frames every consumer has been pushed (a frame split across reads waits in the decoder).
  const pushedTo = (): number => Math.floor((audioAt - dataOffset) / blockAlign);
  const giveAway = (ownFramesPerMs: number, thiefFramesPerMs: number): WavSegmentJob | null => {
    const grid = segmentGrid(layout.sampleRateHz);
    if (finished || grid === null || consumers.some((c) => !c.cut)) return null;
    const pushed = pushedTo();
    const warmupFrames = Math.round(SEGMENT_WARMUP_SEC * layout.sampleRateHz);
    // Strictly past `pushed`: the pieces hashed so far (up to the one holding audioAt) stay before the cut.
    const cut = stealCut({ pushed, start: spec.start, end, grid, warmupFrames }, ownFramesPerMs, thiefFramesPerMs);
    if (cut === null) return null;
    for (const c of consumers) {
      if (c.cut?.(cut) === false) throw new RangeError(`a segment consumer refused the cut at ${cut}`);
    }
    const oldEnd = end;
    const rest = { from: Math.ceil((dataOffset + cut * blockAlign) / L), to: piecesTo };
    end = cut;
    ownEnd = dataOffset + cut * blockAlign;
    piecesTo = rest.from;
    const restSpec: SegmentSpec =
      spec.end === null && oldEnd === totalFrames ? { start: cut, end: null, expectedEnd: spec.expectedEnd ?? totalFrames } : { start: cut, end: oldEnd };
    return { layout, spec: restSpec, pieces: rest };
  };

  const done = (async (): Promise<Uint32Array[]> => {
    // Everything in kernel memory is allocated before the first piece (see src/core/kernels/runtime.ts):
    // each piece lands once in the segment's own piece buffer (segments read in one realm at once
    // must not share one), then is hashed and decoded in place.
    const decoder = createWavDecoder(layout, { toKernels: true, maxBytes: DECODE_BYTES });
    hashPieceBuffer(); // hashPiece's own buffers, allocated now
    const k = kernels();
    const pieceAt = k.alloc(L);
    const piece = (): Uint8Array => k.u8(pieceAt, L);
    try {
      return await readPieces(k, pieceAt, piece, decoder);
    } finally {
      finished = true;
      k.exports.free(pieceAt);
      decoder.release();
    }
  })();
  return { done, giveAway, pushedFrames: () => pushedTo() - firstSample };

  async function readPieces(k: ReturnType<typeof kernels>, pieceAt: number, piece: () => Uint8Array, decoder: ReturnType<typeof createWavDecoder>): Promise<Uint32Array[]> {
    const dataEnd = dataOffset + totalFrames * blockAlign;
    const lastPiece = pieceCount(fileBytes) - 1;
    const shares: Uint32Array[] = [];
    const wantsAudio = (): boolean => audioAt < dataEnd && (audioAt < ownEnd || consumers.some((c) => c.needsMore()));
    const report = (): void => onProgress?.(Math.max(0, Math.min(pushedTo(), end) - spec.start));
    let j = Math.floor(audioAt / L);
    let next: PromiseLike<Uint8Array> | null = readBytes(j * L, L, piece);
    while (next && (j < piecesTo || wantsAudio())) {
      const read = await next;
      const pieceStart = j * L;
      if (read.length < Math.min(L, fileBytes - pieceStart)) {
        throw new AudioPathError('io-error', `The file ended at byte ${pieceStart + read.length} while being read.`);
      }
      if (!(k.holds(read) && read.byteOffset === pieceAt)) k.u8(pieceAt, read.length).set(read);
      // The next piece is read ahead when it is sure to be needed: to hash it, or for audio inside the segment.
      const following = pieceStart + L;
      next = following < fileBytes && (j + 1 < piecesTo || following < ownEnd) ? readBytes(following, L, piece) : null;
      if (j >= job.pieces.from && j < piecesTo) shares.push(hashPiece(k.u8(pieceAt, read.length), j, j === lastPiece));
      const pieceEnd = pieceStart + read.length;
      while (audioAt < pieceEnd && wantsAudio()) {
        const inside = audioAt < ownEnd;
        const step = next && letReadsRun ? READING_DECODE_BYTES : DECODE_BYTES;
        const stop = Math.min(pieceEnd, dataEnd, inside ? Math.min(ownEnd, audioAt + step) : audioAt + TAIL_DECODE_BYTES);
        // Views of kernel memory, read in place by the consumers (they copy what they keep); made
        // after each wait, since a segment read beside this one in the realm may grow the memory.
        const chunk = decoder.decode(k.u8(pieceAt + (audioAt - pieceStart), stop - audioAt));
        const at = Math.floor((audioAt - dataOffset) / blockAlign);
        for (const c of consumers) {
          if (at + chunk[0].length <= c.firstSample) continue;
          if (inside || c.needsMore()) c.push(at >= c.firstSample ? chunk : chunk.map((x) => x.subarray(c.firstSample - at)));
        }
        audioAt = stop;
        report();
        if (next && letReadsRun) await letReadsRun();
      }
      j++;
      if (!next && following < fileBytes && (j < piecesTo || wantsAudio())) next = readBytes(following, L, piece);
    }
    report();
    return shares;
  }
}
