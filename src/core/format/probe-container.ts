/**
 * The declared format of a file other than WAV, from its container, by mediabunny (which reads
 * only the bytes it needs); probe.ts calls it, and loads it only for such files.
 */
import { ADTS, CustomSource, FLAC, Input, MATROSKA, MP3, MP4, MPEG_TS, OGG, QTFF, WAVE, WEBM, type InputFormat } from 'mediabunny';
import { fail, ok, type ContainerProbe, type Result } from '../types';
import { MAX_CHANNELS, MAX_SAMPLE_RATE_HZ } from './wav';
import type { ByteSource } from './source';

/**
 * The containers mediabunny may read: local files only. Its HLS format (in ALL_FORMATS) follows
 * playlist URLs over the network; a dropped playlist must never make the lab fetch anything.
 */
const LOCAL_FORMATS: InputFormat[] = [WAVE, FLAC, MP3, OGG, WEBM, MATROSKA, MP4, QTFF, ADTS, MPEG_TS];

const LOSSLESS = new Set(['flac', 'pcm-s16', 'pcm-s24', 'pcm-s32', 'pcm-f32', 'pcm-f64', 'pcm-u8', 'alaw', 'ulaw']);

export async function probeContainer(source: ByteSource, head: Uint8Array): Promise<Result<ContainerProbe>> {
  try {
    const input = new Input({
      formats: LOCAL_FORMATS,
      source: new CustomSource({
        getSize: () => source.size,
        read: (start, end) => source.read(start, end - start),
      }),
    });
    const format = await input.getFormat().catch(() => null);
    if (format === null) return fail('not-audio', 'This does not look like an audio file (no known container signature).');
    const track = await input.getPrimaryAudioTrack();
    if (track === null) return fail('not-audio', `This ${format.name} file has no audio track.`);
    const codec = (await track.getCodec()) ?? 'unknown';
    if (track.numberOfChannels < 1) return fail('absurd-header', 'The header declares 0 channels.');
    if (track.numberOfChannels > MAX_CHANNELS) {
      return fail('too-many-channels', `The header declares ${track.numberOfChannels} channels (at most ${MAX_CHANNELS} are supported).`);
    }
    if (!(track.sampleRate > 0) || track.sampleRate > MAX_SAMPLE_RATE_HZ) {
      return fail('absurd-header', `The header declares a sample rate of ${track.sampleRate} Hz.`);
    }
    const durationSec = await input.getDurationFromMetadata().catch(() => null);
    const container = containerName(format.name);
    return ok({
      container,
      codec,
      sampleRateHz: track.sampleRate,
      // Opus always decodes at 48 kHz; the header's rate is the encoder's input rate.
      decodedSampleRateHz: codec === 'opus' ? 48000 : track.sampleRate,
      channels: track.numberOfChannels,
      bitDepth: codec === 'flac' ? flacBitsPerSample(head) : LOSSLESS.has(codec) ? 16 : null,
      durationSec: durationSec !== null && Number.isFinite(durationSec) && durationSec >= 0 ? durationSec : null,
      bytes: source.size,
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return fail('not-audio', `The container could not be read: ${detail.split('\n')[0].slice(0, 200)}`);
  }
}

/** Bits per sample from FLAC's STREAMINFO (always the first metadata block, right after "fLaC"). */
function flacBitsPerSample(head: Uint8Array): number | null {
  if (head.length < 26 || String.fromCharCode(head[0], head[1], head[2], head[3]) !== 'fLaC') return null;
  const si = 8;
  return (((head[si + 12] & 1) << 4) | (head[si + 13] >> 4)) + 1;
}

function containerName(formatName: string): string {
  const n = formatName.toLowerCase();
  if (n.includes('mp3') || n.includes('mpeg')) return 'mp3';
  if (n.includes('flac')) return 'flac';
  if (n.includes('ogg')) return 'ogg';
  if (n.includes('webm')) return 'webm';
  if (n.includes('matroska')) return 'mkv';
  if (n.includes('adts')) return 'adts';
  if (n.includes('mp4') || n.includes('quicktime') || n.includes('m4a')) return 'mp4';
  if (n.includes('wave')) return 'wav';
  return n.replace(/[^a-z0-9-]/g, '').slice(0, 32) || 'unknown';
}
