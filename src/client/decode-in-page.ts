/**
 * Compressed formats (FLAC, MP3, Ogg Vorbis/Opus, WebM/Opus, M4A/AAC) are decoded by the browser,
 * on the main thread because `decodeAudioData` exists nowhere else. `decodeAudioData` resamples to
 * its context's rate, so the context runs at the rate the decoder outputs natively (the declared
 * rate; 48 kHz for Opus): nothing is resampled. The browser decodes off the main thread; only the
 * copies out of the AudioBuffer run here, one channel per task.
 */
import { fail, ok, type ContainerProbe, type PcmAudio, type Result } from '../core/types';

/** OfflineAudioContext accepts 3 kHz to 768 kHz. */
const MIN_RATE_HZ = 3000;
const MAX_RATE_HZ = 768_000;

const yieldToPage = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export async function decodeInPage(file: Blob, probe: ContainerProbe, signal: AbortSignal): Promise<Result<PcmAudio>> {
  const rate = probe.decodedSampleRateHz;
  if (!(rate >= MIN_RATE_HZ && rate <= MAX_RATE_HZ)) {
    return fail('unsupported-codec', `The browser cannot decode audio at ${rate} Hz.`);
  }
  let bytes: ArrayBuffer;
  try {
    bytes = await file.arrayBuffer();
  } catch {
    return fail('io-error', 'The file could not be read.');
  }
  if (signal.aborted) return fail('aborted', 'Cancelled.');
  let buffer: AudioBuffer;
  try {
    const context = new OfflineAudioContext(Math.max(1, Math.min(32, probe.channels)), 1, rate);
    buffer = await context.decodeAudioData(bytes);
  } catch {
    return fail('decode-failed', `The browser could not decode this ${probe.codec} audio.`);
  }
  if (signal.aborted) return fail('aborted', 'Cancelled.');
  if (buffer.sampleRate !== rate) {
    return fail('decode-failed', `The browser decoded at ${buffer.sampleRate} Hz instead of ${rate} Hz.`);
  }
  const channels: Float32Array[] = [];
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const copy = new Float32Array(buffer.length);
    buffer.copyFromChannel(copy, c);
    channels.push(copy);
    await yieldToPage();
    if (signal.aborted) return fail('aborted', 'Cancelled.');
  }
  return ok({ sampleRateHz: rate, channels });
}
