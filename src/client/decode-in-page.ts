/**
 * Compressed formats (FLAC, MP3, Ogg Vorbis/Opus, WebM/Opus, M4A/AAC) are decoded by the browser,
 * on the main thread because `decodeAudioData` exists nowhere else. `decodeAudioData` resamples to
 * its context's rate, so the context runs at the rate the decoder outputs natively (the declared
 * rate; 48 kHz for Opus): nothing is resampled. The browser decodes off the main thread, but
 * building the AudioBuffer still costs the main thread about 15 ms per minute of 48 kHz stereo.
 * The channels then go to the worker without a copy where the browser allows it.
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
    channels.push(await channelForTransfer(buffer, c, signal));
    if (signal.aborted) return fail('aborted', 'Cancelled.');
  }
  return ok({ sampleRateHz: rate, channels });
}

/** Samples copied per task when a copy is needed (~16 ms of work): keeps the page responsive. */
const COPY_SAMPLES = 1 << 22;

let transferable: boolean | null = null;

/**
 * Whether this browser lets an AudioBuffer's channel data be transferred (Chromium does: the
 * buffer then reads as empty). Tried once on a tiny buffer.
 */
function audioDataTransfers(): boolean {
  if (transferable === null) {
    try {
      const probe = new OfflineAudioContext(1, 16, MIN_RATE_HZ).createBuffer(1, 16, MIN_RATE_HZ).getChannelData(0);
      const { port1, port2 } = new MessageChannel();
      port1.postMessage(probe, [probe.buffer]);
      port1.close();
      port2.close();
      transferable = probe.length === 0;
    } catch {
      transferable = false;
    }
  }
  return transferable;
}

/**
 * One channel, ready to be transferred to the worker: the AudioBuffer's own storage when the
 * browser allows (no copy at all; a 10-minute stereo file is 230 MB), else a copy made a slice
 * per task.
 */
async function channelForTransfer(buffer: AudioBuffer, channel: number, signal: AbortSignal): Promise<Float32Array> {
  const view = buffer.getChannelData(channel);
  if (audioDataTransfers() && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) return view;
  const copy = new Float32Array(buffer.length);
  for (let start = 0; start < buffer.length && !signal.aborted; start += COPY_SAMPLES) {
    buffer.copyFromChannel(copy.subarray(start, Math.min(buffer.length, start + COPY_SAMPLES)), channel, start);
    await yieldToPage();
  }
  return copy;
}
