/**
 * Shared shapes of the analysis core. Everything here is plain data: it crosses worker
 * boundaries and is written to JSON as it is.
 *
 * Conventions: dB values are `number | null`, where null means digital silence (−∞ dB),
 * because JSON has no −Infinity. Ratios are 0..1. Times are seconds from the file start.
 */

/** Planar float PCM at the file's native rate, samples nominally in [−1, 1]. */
export interface PcmAudio {
  sampleRateHz: number;
  channels: Float32Array[];
}

/**
 * A streaming measurement: fed planar chunks of any length in order, then asked once for its
 * result. Results must not depend on how the audio was cut into chunks.
 * `channels[c].length` is the chunk length; all channels of one chunk have the same length.
 */
export interface Accumulator<Result> {
  push(channels: readonly Float32Array[]): void;
  finish(): Result;
}

/** The declared format, read from the container without decoding the audio. */
export interface ContainerProbe {
  /** e.g. "wav", "flac", "mp3", "ogg", "webm", "mp4", "adts" */
  container: string;
  /** e.g. "pcm-s16", "pcm-s24", "pcm-f32", "pcm-u8", "alaw", "ulaw", "flac", "mp3", "vorbis", "opus", "aac" */
  codec: string;
  /** Rate the header declares (for Opus: the original input rate from OpusHead, if given). */
  sampleRateHz: number;
  /** Rate the decoder will output (Opus always decodes at 48 kHz). */
  decodedSampleRateHz: number;
  channels: number;
  /** Bits per sample for PCM-like codecs (incl. FLAC, A-law/µ-law = 8); null for lossy codecs. */
  bitDepth: number | null;
  /** From the header; null when the container does not say without reading it all. */
  durationSec: number | null;
  bytes: number;
  /** Problems met while reading the header that did not stop the analysis (e.g. truncation). */
  warnings?: string[];
}

/** The frames (samples per channel) a probe's duration promises at the decoded rate; 0 when it gives none. */
export const expectedFrames = (probe: ContainerProbe): number =>
  probe.durationSec !== null ? Math.round(probe.durationSec * probe.decodedSampleRateHz) : 0;

/** A failure reported as data, never thrown across a worker boundary. */
export interface CoreError {
  code: ErrorCode;
  message: string;
}

export type ErrorCode =
  | 'empty-file'
  | 'not-audio'
  | 'truncated'
  | 'unsupported-codec'
  | 'absurd-header'
  | 'too-many-channels'
  | 'too-long'
  | 'decode-failed'
  | 'io-error'
  | 'aborted';

export type Result<T> = { ok: true; value: T } | { ok: false; error: CoreError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: ErrorCode, message: string): Result<T> => ({
  ok: false,
  error: { code, message },
});

/** An error class the core throws internally; converted to `CoreError` at the boundaries. */
export class AudioPathError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AudioPathError';
  }
}

export interface TimeRange {
  startSec: number;
  endSec: number;
}
