/** Name the container from its magic bytes (cheap, before any parsing), or null when unknown. */
import { looksLikeWav } from './wav';

const ascii = (head: Uint8Array, o: number, n: number): string => String.fromCharCode(...head.subarray(o, o + n));

export function sniffContainer(head: Uint8Array): string | null {
  const s = (o: number, n: number): string => ascii(head, o, n);
  if (looksLikeWav(head)) return 'wav';
  if (s(0, 4) === 'fLaC') return 'flac';
  if (s(0, 4) === 'OggS') return 'ogg';
  if (s(0, 3) === 'ID3' || (head[0] === 0xff && (head[1] & 0xe0) === 0xe0)) return 'mp3';
  if (s(4, 4) === 'ftyp') return 'mp4';
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'webm';
  return null;
}

/**
 * What a file that is not audio is, for the error message ("This is a PNG image, not audio."),
 * or null when it could still be a container only a real parser can tell. Common mix-ups only.
 */
export function describeNonAudio(head: Uint8Array): string | null {
  if (head.length === 0) return null;
  if (head.length < 12 && sniffContainer(head) === null) return `a ${head.length}-byte file`;
  const s = (o: number, n: number): string => ascii(head, o, n);
  if (head[0] === 0x89 && s(1, 3) === 'PNG') return 'a PNG image';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'a JPEG image';
  if (s(0, 4) === 'GIF8') return 'a GIF image';
  if (s(0, 4) === 'RIFF' && s(8, 4) === 'WEBP') return 'a WebP image';
  if (s(0, 4) === 'RIFF' && s(8, 4) === 'AVI ') return 'an AVI video';
  if (s(0, 5) === '%PDF-') return 'a PDF document';
  if (s(0, 4) === 'PK\x03\x04') return 'a ZIP archive (or an Office document)';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'a gzip archive';
  if (head[0] === 0x7f && s(1, 3) === 'ELF') return 'a program (ELF)';
  if (s(0, 4) === 'MThd') return 'a MIDI file (notes, not a recording)';
  if (sniffContainer(head) !== null) return null;
  // Text: no NUL and no control bytes other than tab/CR/LF in the first 512 bytes.
  const probe = head.subarray(0, 512);
  if (probe.every((b) => b >= 0x20 || b === 0x09 || b === 0x0a || b === 0x0d)) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(probe).trimStart().toLowerCase();
    if (text.startsWith('<!doctype html') || text.startsWith('<html')) return 'an HTML page';
    if (text.startsWith('<?xml') || text.startsWith('<svg')) return 'an XML document';
    return 'a text file';
  }
  return null;
}

/** Audio containers the lab does not read, by name, so the error can say so (not "not audio"). */
export function describeUnsupportedAudio(head: Uint8Array): string | null {
  const s = (o: number, n: number): string => ascii(head, o, n);
  if (s(0, 4) === 'FORM' && s(8, 4) === 'AIFF') return 'AIFF';
  if (s(0, 4) === 'FORM' && s(8, 4) === 'AIFC') return 'AIFF-C';
  if (s(0, 4) === 'caff') return 'Core Audio (CAF)';
  if (s(0, 4) === '.snd') return 'Sun/NeXT AU';
  if (s(0, 4) === 'wvpk') return 'WavPack';
  if (s(0, 4) === 'MAC ') return "Monkey's Audio (APE)";
  if (s(0, 5) === '#!AMR') return 'AMR';
  if (s(0, 4) === 'riff' && head[4] === 0x2e && head[5] === 0x91 && head[6] === 0xcf && head[7] === 0x11) return 'Sony Wave64';
  return null;
}
