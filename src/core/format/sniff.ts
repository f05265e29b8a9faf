/** Name the container from its magic bytes (cheap, before any parsing), or null when unknown. */
import { looksLikeWav } from './wav';

export function sniffContainer(head: Uint8Array): string | null {
  const s = (o: number, n: number): string => String.fromCharCode(...head.subarray(o, o + n));
  if (looksLikeWav(head)) return 'wav';
  if (s(0, 4) === 'fLaC') return 'flac';
  if (s(0, 4) === 'OggS') return 'ogg';
  if (s(0, 3) === 'ID3' || (head[0] === 0xff && (head[1] & 0xe0) === 0xe0)) return 'mp3';
  if (s(4, 4) === 'ftyp') return 'mp4';
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'webm';
  return null;
}
