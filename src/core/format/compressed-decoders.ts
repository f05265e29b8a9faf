/**
 * Streaming decoders for compressed formats, the same in Node and in the page's worker: the eshaz
 * WASM decoders (mpg123, libFLAC, libvorbis, libopus), fed byte chunks, output planar Float32 at
 * the decoder's native rate — never resampled. They decode several times faster than the
 * browser's own decoders here, and give the page and the CLI the same samples. WebM and MP4 are
 * left to the browser (WebCodecs); the CLI names them as unsupported.
 *
 * The decoders print every stream error to the console; the CLI promises one line per bad file,
 * so they are muted here and their errors come back as data (`errors`) instead.
 */
import { MPEGDecoder } from 'mpg123-decoder';
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis';
import { OggOpusDecoder } from 'ogg-opus-decoder';

interface Decoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: Array<{ message: string }>;
}

export interface ChunkDecoder {
  ready: Promise<void>;
  decode(bytes: Uint8Array): Promise<Decoded>;
  flush(): Promise<Decoded | null>;
  free(): void;
}

/** Run a decoder call with console.error/warn muted (restored even if it throws). */
async function quietly<T>(call: () => T | Promise<T>): Promise<T> {
  const { error, warn } = console;
  console.error = () => undefined;
  console.warn = () => undefined;
  try {
    return await call();
  } finally {
    console.error = error;
    console.warn = warn;
  }
}

/** A decoder for this container/codec, or null when the CLI cannot decode it. */
export function createChunkDecoder(container: string, codec: string, channels: number): ChunkDecoder | null {
  const d = createRawDecoder(container, codec, channels);
  if (d === null) return null;
  return { ready: d.ready, decode: (b) => quietly(() => d.decode(b)), flush: () => quietly(() => d.flush()), free: () => d.free() };
}

function createRawDecoder(container: string, codec: string, channels: number): ChunkDecoder | null {
  if (container === 'mp3' && codec === 'mp3') {
    const d = new MPEGDecoder();
    return { ready: d.ready, decode: async (b) => d.decode(b), flush: async () => null, free: () => d.free() };
  }
  if (container === 'flac' && codec === 'flac') {
    const d = new FLACDecoder();
    return { ready: d.ready, decode: (b) => d.decode(b), flush: () => d.flush(), free: () => d.free() };
  }
  if (container === 'ogg' && codec === 'vorbis') {
    const d = new OggVorbisDecoder();
    return { ready: d.ready, decode: (b) => d.decode(b), flush: () => d.flush(), free: () => d.free() };
  }
  if (container === 'ogg' && codec === 'opus') {
    // Without forceStereo the decoder keeps the stream's own channel count.
    const d = new OggOpusDecoder({ forceStereo: false } as ConstructorParameters<typeof OggOpusDecoder>[0]);
    void channels;
    return { ready: d.ready, decode: async (b) => d.decode(b), flush: () => d.flush(), free: () => d.free() };
  }
  return null;
}
