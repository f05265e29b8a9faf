/**
 * Non-WAV corpus files built from bytes, no encoder needed: silent MP3 frames (an all-zero Layer
 * III frame decodes to exact silence) and video-only MP4/WebM written by mediabunny's muxer
 * around placeholder VP9 packets (nothing decodes them: the point is a container without audio).
 */
import { BufferTarget, EncodedPacket, EncodedVideoPacketSource, Mp4OutputFormat, Output, WebMOutputFormat } from 'mediabunny';

/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no CRC: 417-byte frames of 1152 samples. */
export const MP3_FRAME_BYTES = Math.floor((144 * 128_000) / 44_100);
export const MP3_FRAME_SAMPLES = 1152;

/** `frames` silent MP3 frames (mono or stereo). */
export function silentMp3(frames: number, mono = true): Uint8Array {
  const out = new Uint8Array(frames * MP3_FRAME_BYTES);
  for (let f = 0; f < frames; f++) {
    const o = f * MP3_FRAME_BYTES;
    out.set([0xff, 0xfb, 0x90, mono ? 0xc4 : 0x04], o);
  }
  return out;
}

/** A container with one video track and no audio, as a real muxer writes it. */
export async function videoOnly(container: 'mp4' | 'webm'): Promise<Uint8Array> {
  const target = new BufferTarget();
  const output = new Output({ format: container === 'mp4' ? new Mp4OutputFormat() : new WebMOutputFormat(), target });
  const video = new EncodedVideoPacketSource('vp9');
  output.addVideoTrack(video, { frameRate: 10 });
  await output.start();
  for (let i = 0; i < 10; i++) {
    const packet = new EncodedPacket(new Uint8Array(64).fill(i), i === 0 ? 'key' : 'delta', i / 10, 0.1);
    await video.add(packet, i === 0 ? { decoderConfig: { codec: 'vp09.00.10.08', codedWidth: 16, codedHeight: 16 } } : undefined);
  }
  await output.finalize();
  if (target.buffer === null) throw new Error('mediabunny wrote nothing');
  return new Uint8Array(target.buffer);
}
