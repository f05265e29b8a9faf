/**
 * The hostile-input corpus: every kind of file people drop on a debugging tool, built from bytes
 * at test time (no committed binaries), each with what the lab must say about it.
 *
 * `expect` is the Node path's answer (the CLI's analyzeFile); `page` overrides it where the page
 * legitimately differs (it decodes compressed formats with the browser's decoders).
 * Decisions recorded here:
 * - Sample rates outside 1 kHz .. 768 kHz are 'absurd-header' (1 Hz is not audio).
 * - Up to 256 channels are analysed (a 20-channel array recording gets its report);
 *   more is 'too-many-channels'.
 * - PCM widths that are not whole bytes (7, 12 bits) are read from the next whole-byte container,
 *   as the WAVE spec says, with a warning; 0 bits is absurd, more than 32-bit integer PCM unsupported.
 * - A header that claims more audio than the file holds (10 hours, 4 GB) is analysed as far as
 *   the bytes go, with a warning saying where the audio stops.
 */
import type { ErrorCode } from '../../src/core/types';
import { MP3_FRAME_SAMPLES, silentMp3, videoOnly } from './compressed-bytes';
import {
  ascii,
  chunk,
  concat,
  fmtBody,
  fmtExtensible,
  garbage,
  riff,
  sampleBytes,
  simpleWav,
  sine,
  subformatGuid,
} from './wav-bytes';

export interface OkExpectation {
  kind: 'ok';
  container: string;
  codec?: string;
  sampleRateHz: number;
  channels: number;
  durationSec: number;
  /** Allowed |durationSec error|; default 0.002 s (the summary rounds to 1 ms). */
  durationTolSec?: number;
  /** Over all channels; tolerance `peakTolDb` (default 0.05 dB). */
  peakDbfs?: number | null;
  peakTolDb?: number;
  nonFiniteSamples?: number;
  /** Every pattern must match one of the summary's warnings. */
  warnings?: RegExp[];
  /** The summary has no warnings at all. */
  noWarnings?: boolean;
}

export type Expectation = { kind: 'error'; code: ErrorCode } | OkExpectation;

export interface HostileCase {
  name: string;
  /** The name the file is written (and dropped) under. */
  fileName: string;
  /** What it is, in a few words. */
  what: string;
  bytes: Uint8Array;
  expect: Expectation;
  /** The page's answer where it differs from the Node path. */
  page?: Expectation;
}

const RATE = 8000;
const RATE_MP3 = 44100;
const PEAK = 20 * Math.log10(0.5);
const err = (code: ErrorCode): Expectation => ({ kind: 'error', code });
const wavOk = (o: Omit<OkExpectation, 'kind' | 'container'>): OkExpectation => ({ kind: 'ok', container: 'wav', ...o });
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** 16-bit mono fmt chunk at `rateHz`. */
const fmt16 = (rateHz = RATE, channels = 1): Uint8Array => chunk('fmt ', fmtBody({ format: 1, channels, rateHz, bits: 16 }));
/** One second of the test sine as 16-bit mono samples. */
const oneSecond16 = (): Uint8Array => sampleBytes(sine(RATE, 1), 's16');
/** A data chunk whose size field says `declared` while `body` is what is really there. */
const dataLying = (body: Uint8Array, declared: number): Uint8Array => concat(chunk('data', new Uint8Array(0), declared), body);

export async function buildCorpus(): Promise<HostileCase[]> {
  const good16 = simpleWav(RATE, sine(RATE, 1), 's16');
  const cases: HostileCase[] = [];
  const add = (name: string, what: string, bytes: Uint8Array, expect: Expectation, extra: Partial<HostileCase> = {}): void => {
    cases.push({ name, fileName: `${name}.wav`, what, bytes, expect, ...extra });
  };

  // ── Not audio at all ────────────────────────────────────────────────────────────────────
  add('empty', '0 bytes', new Uint8Array(0), err('empty-file'));
  add('one-byte', 'a single byte', ascii('R'), err('not-audio'));
  add('png-image', 'a PNG named .wav', concat(Uint8Array.from([0x89]), ascii('PNG\r\n\x1a\n'), chunkPng()), err('not-audio'));
  add('text-notes', 'meeting notes named .wav', text('These are meeting notes, not audio.\n'.repeat(40)), err('not-audio'));
  add('html-page', 'an HTML page named .wav', text('<!doctype html><html><body><script>alert(1)</script></body></html>\n'), err('not-audio'));
  add('random-bytes', '4 KiB of noise bytes', garbage(4096, 7), err('not-audio'));
  add('midi', 'a MIDI file named .wav', concat(ascii('MThd'), Uint8Array.of(0, 0, 0, 6, 0, 0, 0, 1, 0, 96), ascii('MTrk'), Uint8Array.of(0, 0, 0, 4, 0, 0xff, 0x2f, 0)), err('not-audio'));
  add('hls-playlist', 'an HLS playlist pointing at another origin', text('#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nhttps://example.com/segment.ts\n#EXT-X-ENDLIST\n'), err('not-audio'), { fileName: 'stream.m3u8' });
  add('aiff', 'an AIFF file (audio, but not a format the lab reads)', aiff(), err('unsupported-codec'), { fileName: 'take.aiff' });
  add('video-only-mp4', 'an MP4 with a video track and no audio', await videoOnly('mp4'), err('not-audio'), { fileName: 'clip.mp4' });
  add('video-only-webm', 'a WebM with a video track and no audio', await videoOnly('webm'), err('not-audio'), { fileName: 'clip.webm' });

  // ── Cut short ───────────────────────────────────────────────────────────────────────────
  add('riff-only', '"RIFF….WAVE" and nothing else', riff([]), err('truncated'));
  add('truncated-in-fmt', 'the first 30 bytes of a WAV', good16.slice(0, 30), err('truncated'));
  add('fmt-but-no-data', 'a format chunk and no data chunk', riff([fmt16()]), err('truncated'));
  add('chunk-past-eof', 'a LIST chunk claiming 1 MB in a 150-byte file, no data', riff([fmt16(), chunk('LIST', garbage(100), 1_000_000)]), err('truncated'));
  add('data-cut-at-header', 'a data chunk declaring 1 s with 1 byte present', riff([fmt16(), dataLying(Uint8Array.of(7), 16000)]), err('truncated'));
  add('empty-data-chunk', 'a valid header with 0 bytes of audio', riff([fmt16(), chunk('data', new Uint8Array(0))]), err('empty-file'));

  // ── Header fields that cannot be true ───────────────────────────────────────────────────
  const withFmt = (f: Parameters<typeof fmtBody>[0], data = oneSecond16()): Uint8Array => riff([chunk('fmt ', fmtBody(f)), chunk('data', data)]);
  add('zero-channels', 'fmt claims 0 channels', withFmt({ format: 1, channels: 0, rateHz: RATE, bits: 16, blockAlign: 2 }), err('absurd-header'));
  add('rate-0hz', 'sample rate 0 Hz', withFmt({ format: 1, channels: 1, rateHz: 0, bits: 16 }), err('absurd-header'));
  add('rate-1hz', 'sample rate 1 Hz', withFmt({ format: 1, channels: 1, rateHz: 1, bits: 16 }), err('absurd-header'));
  add('rate-10mhz', 'sample rate 10 MHz', withFmt({ format: 1, channels: 1, rateHz: 10_000_000, bits: 16 }), err('absurd-header'));
  add('channels-65535', '65535 channels', withFmt({ format: 1, channels: 65535, rateHz: RATE, bits: 16 }), err('too-many-channels'));
  add('channels-257', '257 channels (one over the limit)', withFmt({ format: 1, channels: 257, rateHz: RATE, bits: 16 }), err('too-many-channels'));
  add('bits-0', '0 bits per sample', withFmt({ format: 1, channels: 1, rateHz: RATE, bits: 0, blockAlign: 2 }), err('absurd-header'));
  add('bits-33', '33-bit integer PCM', withFmt({ format: 1, channels: 1, rateHz: RATE, bits: 33 }), err('unsupported-codec'));
  add('float-16bit', '16-bit IEEE float (no such thing in WAV)', withFmt({ format: 3, channels: 1, rateHz: RATE, bits: 16 }), err('unsupported-codec'));
  add('adpcm', 'MS ADPCM (format tag 2)', withFmt({ format: 2, channels: 1, rateHz: RATE, bits: 4, blockAlign: 256 }), err('unsupported-codec'));
  add('missing-fmt', 'RIFF/WAVE with a data chunk and no fmt', riff([chunk('data', oneSecond16())]), err('absurd-header'));
  add('fmt-claims-4gb', 'a fmt chunk whose size says 4 GB', riff([chunk('fmt ', fmtBody({ format: 1, channels: 1, rateHz: RATE, bits: 16 }), 0xfffffff0), chunk('data', oneSecond16())]), err('absurd-header'));
  add('fmt-too-short', 'a 14-byte fmt chunk', riff([chunk('fmt ', fmtBody({ format: 1, channels: 1, rateHz: RATE, bits: 16 }).slice(0, 14)), chunk('data', oneSecond16())]), err('absurd-header'));
  const ext = (subformat: Uint8Array): Uint8Array =>
    riff([chunk('fmt ', fmtExtensible({ channels: 1, rateHz: RATE, bits: 16, validBits: 16, channelMask: 4, subformat })), chunk('data', oneSecond16())]);
  add('extensible-unknown-guid', 'WAVE_FORMAT_EXTENSIBLE with a made-up subformat GUID', ext(garbage(16, 3)), err('unsupported-codec'));
  add('extensible-foreign-guid', 'extensible whose GUID starts like PCM but is not the PCM GUID', ext(concat(Uint8Array.of(1, 0), garbage(14, 4))), err('unsupported-codec'));
  add('extensible-no-extension', 'format tag 0xFFFE in an 18-byte fmt chunk', riff([chunk('fmt ', concat(fmtBody({ format: 0xfffe, channels: 1, rateHz: RATE, bits: 16 }), new Uint8Array(2))), chunk('data', oneSecond16())]), err('absurd-header'));
  add('chunk-flood', '2000 empty JUNK chunks before fmt', riff([...Array.from({ length: 2000 }, () => chunk('JUNK', new Uint8Array(0))), fmt16(), chunk('data', oneSecond16())]), err('absurd-header'));

  // ── Mislabelled and compressed ──────────────────────────────────────────────────────────
  const mp3Frames = Math.ceil(RATE_MP3 / MP3_FRAME_SAMPLES);
  const mp3 = silentMp3(mp3Frames);
  const mp3Sec = (mp3Frames * MP3_FRAME_SAMPLES) / RATE_MP3;
  add('mp3-named-wav', 'MP3 bytes (1 s of silence) named .wav', mp3, { kind: 'ok', container: 'mp3', codec: 'mp3', sampleRateHz: RATE_MP3, channels: 1, durationSec: mp3Sec, durationTolSec: 0.06, peakDbfs: null }, { fileName: 'speech.wav' });
  add('wav-named-mp3', 'a WAV named .mp3', good16, wavOk({ codec: 'pcm-s16', sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, noWarnings: true }), { fileName: 'speech.mp3' });
  add(
    'mp3-corrupt-tail',
    '1 s of MP3 frames, then 1 s worth of noise bytes',
    concat(mp3, garbage(mp3.length, 11)),
    { kind: 'ok', container: 'mp3', codec: 'mp3', sampleRateHz: RATE_MP3, channels: 1, durationSec: mp3Sec, durationTolSec: 0.45, peakDbfs: null, warnings: [/stopped at/] },
    {
      fileName: 'corrupt-tail.mp3',
      // The page's demuxer (mediabunny) keeps only well-formed MP3 frames: the noise is skipped, not decoded.
      page: { kind: 'ok', container: 'mp3', codec: 'mp3', sampleRateHz: RATE_MP3, channels: 1, durationSec: mp3Sec, durationTolSec: 0.03 },
    },
  );

  // ── Valid but unusual, or damaged but readable ──────────────────────────────────────────
  const sine1 = sine(RATE, 1);
  add('pcm-u8', '8-bit unsigned PCM', simpleWav(RATE, sine1, 'u8'), wavOk({ codec: 'pcm-u8', sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, peakTolDb: 0.1, noWarnings: true }));
  add('pcm-s24', '24-bit PCM', simpleWav(RATE, sine1, 's24'), wavOk({ codec: 'pcm-s24', sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, noWarnings: true }));
  add('pcm-s32', '32-bit integer PCM', simpleWav(RATE, sine1, 's32'), wavOk({ codec: 'pcm-s32', sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, noWarnings: true }));
  add('float64', '64-bit IEEE float', simpleWav(RATE, sine1, 'f64'), wavOk({ codec: 'pcm-f64', sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, noWarnings: true }));
  add('alaw', 'G.711 A-law', simpleWav(RATE, sine1, 'alaw'), wavOk({ codec: 'alaw', sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, peakTolDb: 0.15, noWarnings: true }));
  add(
    'extensible-6ch-48k',
    '5.1 WAVE_FORMAT_EXTENSIBLE, 24-bit, 48 kHz',
    riff([
      chunk('fmt ', fmtExtensible({ channels: 6, rateHz: 48000, bits: 24, validBits: 24, channelMask: 0x3f, subformat: subformatGuid(1) })),
      chunk('data', sampleBytes(sine(48000, 0.5, 6), 's24')),
    ]),
    wavOk({ codec: 'pcm-s24', sampleRateHz: 48000, channels: 6, durationSec: 0.5, peakDbfs: PEAK, noWarnings: true }),
  );
  add('rate-192k', '192 kHz stereo', simpleWav(192000, sine(192000, 0.5, 2), 's16'), wavOk({ sampleRateHz: 192000, channels: 2, durationSec: 0.5, peakDbfs: PEAK, noWarnings: true }));
  add('one-sample', 'a single sample frame', simpleWav(16000, [Float32Array.of(0.5)], 's16'), wavOk({ sampleRateHz: 16000, channels: 1, durationSec: 1 / 16000, peakDbfs: PEAK, noWarnings: true }));
  add(
    'ten-hours-claimed',
    'header claims 10 h of digital silence, 1 s present',
    riff([fmt16(), dataLying(new Uint8Array(RATE * 2), 10 * 3600 * RATE * 2)]),
    wavOk({ sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: null, warnings: [/stops at 1\.000 s/, /36000\.000 s/, /truncated/] }),
  );
  add('data-claims-4gb', 'data chunk size 0xFFFFFFF0, 1 s present', riff([fmt16(), dataLying(oneSecond16(), 0xfffffff0)]), wavOk({ sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, warnings: [/truncated/] }));
  add('data-size-streamed', 'data size 0xFFFFFFFF (streamed by a pipe)', riff([fmt16(), dataLying(oneSecond16(), 0xffffffff)]), wavOk({ sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, noWarnings: true }));
  add('data-size-zero', 'data size 0 with 1 s after it (writer never finished)', riff([fmt16(), dataLying(oneSecond16(), 0)]), wavOk({ sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, warnings: [/data size is 0/] }));
  add(
    'truncated-mid-frame',
    'stereo 16-bit, header says 2 s, cut 3 bytes into a frame after 1 s',
    riff([fmt16(RATE, 2), dataLying(concat(sampleBytes(sine(RATE, 1, 2), 's16'), Uint8Array.of(1, 2, 3)), 2 * RATE * 4)]),
    wavOk({ sampleRateHz: RATE, channels: 2, durationSec: 1, peakDbfs: PEAK, warnings: [/stops at 1\.000 s/, /truncated/] }),
  );
  add('corrupt-tail', '1 s of good audio, then 1 s of noise bytes after the data chunk', concat(good16, garbage(16000, 5)), wavOk({ sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK }));
  add(
    'bits-12',
    '12-bit PCM in 16-bit containers',
    withFmt({ format: 1, channels: 1, rateHz: RATE, bits: 12 }, sampleBytes(sine1, 's16', 12)),
    wavOk({ codec: 'pcm-s16', sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, peakTolDb: 0.1, warnings: [/12-bit/] }),
  );
  add(
    'bits-7',
    '7-bit PCM in 8-bit containers',
    withFmt({ format: 1, channels: 1, rateHz: RATE, bits: 7 }, sampleBytes(sine1, 'u8', 7)),
    wavOk({ codec: 'pcm-u8', sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, peakTolDb: 0.3, warnings: [/7-bit/] }),
  );
  add('block-align-wrong', 'block align 3 for 16-bit mono', withFmt({ format: 1, channels: 1, rateHz: RATE, bits: 16, blockAlign: 3 }), wavOk({ sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, warnings: [/block align/] }));
  add(
    'chunk-order',
    'odd-size LIST (padded), JUNK, fmt, fact, data, trailing LIST',
    riff([chunk('LIST', concat(ascii('INFOISFT'), garbage(19, 9))), chunk('JUNK', new Uint8Array(28)), fmt16(), chunk('fact', Uint8Array.of(0x80, 0x3e, 0, 0)), chunk('data', oneSecond16()), chunk('LIST', ascii('INFOICMT'))]),
    wavOk({ sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, noWarnings: true }),
  );
  add('data-before-fmt', 'the data chunk before the fmt chunk', riff([chunk('data', oneSecond16()), fmt16()]), wavOk({ sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, warnings: [/before the format chunk/] }));
  add(
    'odd-data-padding',
    '8-bit data of odd length, its pad byte, then a LIST chunk',
    riff([chunk('fmt ', fmtBody({ format: 1, channels: 1, rateHz: RATE, bits: 8 })), chunk('data', sampleBytes(sine(RATE, 8001 / RATE), 'u8')), chunk('LIST', ascii('INFOICMT'))]),
    wavOk({ codec: 'pcm-u8', sampleRateHz: RATE, channels: 1, durationSec: 8001 / RATE, peakDbfs: PEAK, peakTolDb: 0.1, noWarnings: true }),
  );
  add('riff-size-lies', 'RIFF size 0xFFFFFFFF', riff([fmt16(), chunk('data', oneSecond16())], { riffSize: 0xffffffff }), wavOk({ sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, noWarnings: true }));
  add('riff-size-zero', 'RIFF size 0', riff([fmt16(), chunk('data', oneSecond16())], { riffSize: 0 }), wavOk({ sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, noWarnings: true }));
  add(
    'big-metadata-first',
    'a 100 KiB LIST chunk (cover art, notes) before fmt',
    riff([chunk('LIST', concat(ascii('INFO'), garbage(100 * 1024, 13))), fmt16(), chunk('data', oneSecond16())]),
    wavOk({ sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, noWarnings: true }),
  );
  add('rf64', 'RF64 (the >4 GB WAV) with a ds64 chunk', rf64(oneSecond16()), wavOk({ sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, noWarnings: true }));
  add(
    'nan-inf-float',
    '32-bit float with 100 NaN, 50 +Inf, 50 −Inf',
    simpleWav(RATE, [withNonFinite(sine(RATE, 1)[0])], 'f32'),
    wavOk({ codec: 'pcm-f32', sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, nonFiniteSamples: 200, warnings: [/200 samples were NaN or infinite/] }),
  );
  add('channels-20', 'a 20-channel array recording', simpleWav(RATE, sine(RATE, 0.5, 20), 's16'), wavOk({ sampleRateHz: RATE, channels: 20, durationSec: 0.5, peakDbfs: PEAK, noWarnings: true }));
  add('html-file-name', 'a good WAV whose name is HTML', good16, wavOk({ sampleRateHz: RATE, channels: 1, durationSec: 1, peakDbfs: PEAK, noWarnings: true }), {
    fileName: '<img src=x onerror=alert(1)>.wav',
  });
  return cases;
}


/** The first bytes of a PNG after its signature: an IHDR chunk. */
function chunkPng(): Uint8Array {
  return concat(Uint8Array.of(0, 0, 0, 13), ascii('IHDR'), Uint8Array.of(0, 0, 0, 16, 0, 0, 0, 16, 8, 2, 0, 0, 0), garbage(4 + 64, 2));
}

/** An AIFF header (FORM/AIFF, COMM, SSND) and a few samples. */
function aiff(): Uint8Array {
  const comm = Uint8Array.of(0, 1, 0, 0, 0, 100, 0, 16, 0x40, 0x0e, 0xac, 0x44, 0, 0, 0, 0, 0, 0);
  const body = concat(ascii('AIFFCOMM'), Uint8Array.of(0, 0, 0, 18), comm, ascii('SSND'), Uint8Array.of(0, 0, 0, 208), new Uint8Array(208));
  return concat(ascii('FORM'), Uint8Array.of(0, 0, (body.length >> 8) & 0xff, body.length & 0xff), body);
}

/** RF64: ds64 carries the real data size; the data chunk's own size is 0xFFFFFFFF. */
function rf64(samples: Uint8Array): Uint8Array {
  const ds64 = new Uint8Array(28);
  const v = new DataView(ds64.buffer);
  v.setUint32(8, samples.length, true); // data size, low 32 bits (high = 0)
  v.setUint32(16, samples.length / 2, true); // sample count
  return riff([chunk('ds64', ds64), fmt16(), dataLying(samples, 0xffffffff)], { magic: 'RF64', riffSize: 0xffffffff });
}

function withNonFinite(x: Float32Array): Float32Array {
  const y = Float32Array.from(x);
  for (let k = 0; k < 200; k++) y[37 * k + 11] = k < 100 ? NaN : k < 150 ? Infinity : -Infinity;
  return y;
}

/** One line for tables: "error absurd-header" or "ok wav 8000 Hz 1 ch 1.000 s". */
export function describeExpectation(e: Expectation): string {
  return e.kind === 'error' ? `error ${e.code}` : `ok ${e.container} ${e.sampleRateHz} Hz ${e.channels} ch ${e.durationSec.toFixed(3)} s`;
}

