/**
 * The declared format of any supported file, from its header, without decoding the audio.
 * WAV is read by our own strict parser (wav.ts: it also validates the header against the bytes
 * present and feeds the streaming decoder); everything else (FLAC, MP3, Ogg Vorbis/Opus,
 * WebM/Opus, M4A/AAC, ADTS) by mediabunny, which reads only the bytes it needs.
 */
import { fail, ok, type ContainerProbe, type Result } from '../types';
import { looksLikeWav, readWavHeader, type WavLayout } from './wav';
import { describeNonAudio, describeUnsupportedAudio } from './sniff';
import { PROBE_TIMEOUT_MS, type ByteSource } from './source';

export type { ByteSource } from './source';
export { PROBE_TIMEOUT_MS } from './source';

export const HEAD_BYTES = 1 << 16;

/**
 * The declared format of a file, or a typed error. Never throws, and settles within
 * PROBE_TIMEOUT_MS whatever the bytes are.
 */
export async function probeSource(source: ByteSource): Promise<Result<ContainerProbe>> {
  const probed = await probeSourceLayout(source);
  return probed.ok ? ok(probed.value.probe) : probed;
}

/** What probeSourceLayout read: the declared format, and a WAV's layout (where its samples are). */
export interface ProbedLayout {
  probe: ContainerProbe;
  /** A WAV's layout as its parser found it (null for other containers). */
  wavLayout: WavLayout | null;
}

/**
 * probeSource, with a WAV's layout beside the probe, for a caller that goes on to cut the file
 * into segments (workers/segments.ts planWavSplit), which then need not read the header again.
 */
export async function probeSourceLayout(source: ByteSource): Promise<Result<ProbedLayout>> {
  if (source.size === 0) return fail('empty-file', 'The file is empty (0 bytes).');
  let head: Uint8Array;
  try {
    head = await source.read(0, Math.min(source.size, HEAD_BYTES));
  } catch {
    return fail('io-error', 'The file could not be read.');
  }
  if (looksLikeWav(head)) {
    try {
      const wav = await readWavHeader(source);
      return wav.ok ? ok({ probe: wav.value.probe, wavLayout: wav.value.layout }) : wav;
    } catch {
      return fail('io-error', 'The file could not be read.');
    }
  }
  const other = describeNonAudio(head);
  if (other !== null) return fail('not-audio', `This is ${other}, not audio.`);
  const unsupported = describeUnsupportedAudio(head);
  if (unsupported !== null) {
    return fail('unsupported-codec', `${unsupported} files are not read here; convert to WAV or FLAC first (e.g. ffmpeg -i in out.wav).`);
  }
  // mediabunny is loaded only for a file that needs it: a WAV never does, and the page's analysis
  // workers compile their own script whole when they start (vite.config.ts), which should not
  // include mediabunny's ~1 MB.
  const reading = import('./probe-container').then(
    async ({ probeContainer }): Promise<Result<ProbedLayout>> => {
      const probed = await probeContainer(source, head);
      return probed.ok ? ok({ probe: probed.value, wavLayout: null }) : probed;
    },
    (): Result<ProbedLayout> => fail('io-error', 'The container reader could not be loaded (offline since the page was opened?).'),
  );
  return withTimeout(reading, PROBE_TIMEOUT_MS, () =>
    fail('decode-failed', `The container could not be read within ${PROBE_TIMEOUT_MS / 1000} s.`),
  );
}

/** `promise`, or `onTimeout()` if it has not settled after `ms` (the timer never outlives the race). */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

