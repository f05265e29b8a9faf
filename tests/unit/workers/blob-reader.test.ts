import { describe, expect, it } from 'vitest';
import { blobReader, letReadsRun, SMALL_BLOB_BYTES } from '../../../workers/core-io';

describe('blobReader (one byte stream, BYOB reads)', () => {
  // Bytes that say where they are: a misplaced or short read cannot pass. Over SMALL_BLOB_BYTES, so read as a stream.
  const size = 5 * 1024 * 1024 + 12_345;
  const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 7 + (i >> 11)) & 0xff);
  const file = new Blob([bytes]);

  it('returns exactly the bytes asked for, in sequence, across chunk boundaries, shorter at the end', async () => {
    const read = blobReader(file);
    const L = 1 << 20;
    const lengths: number[] = [];
    for (let at = 0; at < size; at += L) {
      const got = await read(at, L);
      lengths.push(got.length);
      expect(Buffer.from(got).equals(Buffer.from(bytes.subarray(at, at + got.length)))).toBe(true);
    }
    expect(size).toBeGreaterThan(SMALL_BLOB_BYTES);
    expect(lengths).toEqual([L, L, L, L, L, 12_345]);
    expect((await read(size, L)).length).toBe(0);
  });

  it('serves calls made before the last one resolved in the order made, and jumps to a new offset', async () => {
    const read = blobReader(file);
    // A read's bytes stay valid until the read after next (two buffers take turns).
    const [a, b] = await Promise.all([read(100, 5000), read(5100, 70_000)]);
    expect(Buffer.from(a).equals(Buffer.from(bytes.subarray(100, 5100)))).toBe(true);
    expect(Buffer.from(b).equals(Buffer.from(bytes.subarray(5100, 75_100)))).toBe(true);
    const c = await read(2_000_001, 999);
    expect(Buffer.from(b).equals(Buffer.from(bytes.subarray(5100, 75_100)))).toBe(true);
    expect(Buffer.from(c).equals(Buffer.from(bytes.subarray(2_000_001, 2_001_000)))).toBe(true);
    // Backwards works too (a fresh stream), and a larger read than the buffers so far.
    expect(Buffer.from(await read(7, 9)).equals(Buffer.from(bytes.subarray(7, 16)))).toBe(true);
    expect(Buffer.from(await read(1, size)).equals(Buffer.from(bytes.subarray(1)))).toBe(true);
  });

  it('reads a small file with slice().arrayBuffer(), the same bytes', async () => {
    const small = new Blob([bytes.subarray(0, 100_000)]);
    let streams = 0;
    const counting = { size: small.size, slice: (a?: number, b?: number) => small.slice(a, b), stream: () => (streams++, small.stream()) };
    const read = blobReader(counting as unknown as Blob);
    const got = await read(0, 1 << 20);
    expect(Buffer.from(got).equals(Buffer.from(bytes.subarray(0, 100_000)))).toBe(true);
    expect(Buffer.from(await read(99_990, 100)).equals(Buffer.from(bytes.subarray(99_990, 100_000)))).toBe(true);
    expect(streams).toBe(0);
  });

  it('a stream that stops delivering is given up after the stall time: the bytes come by slice(), the next read opens a fresh stream', async () => {
    // The first stream opened delivers one 64 KiB chunk, then nothing, ever (as Chromium's did).
    let opened = 0;
    const stalling = (from: Blob) => {
      let sent = false;
      return new ReadableStream({
        type: 'bytes',
        async pull(controller) {
          if (sent) return new Promise<void>(() => undefined);
          sent = true;
          const view = controller.byobRequest!.view as Uint8Array;
          const chunk = new Uint8Array(await from.slice(0, 65_536).arrayBuffer());
          view.set(chunk.subarray(0, view.byteLength));
          controller.byobRequest!.respond(Math.min(view.byteLength, chunk.length));
        },
      });
    };
    const fake = {
      size: file.size,
      slice(a?: number, b?: number) {
        const part = file.slice(a, b);
        if (b !== undefined) return part;
        return { size: part.size, stream: () => (opened++ === 0 ? stalling(part) : part.stream()) };
      },
    };
    const read = blobReader(fake as unknown as Blob, 50);
    const L = 1 << 20;
    const t0 = performance.now();
    const first = await read(0, L);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    expect(Buffer.from(first).equals(Buffer.from(bytes.subarray(0, L)))).toBe(true);
    expect(opened).toBe(1);
    // Reads go on from a fresh stream.
    for (let at = L; at < 3 * L; at += L) {
      expect(Buffer.from(await read(at, L)).equals(Buffer.from(bytes.subarray(at, at + L)))).toBe(true);
    }
    expect(opened).toBe(2);
  });
});

describe('blobReader on a slow stream', () => {
  it('keeps a stream whose chunks come slower in all than the stall time, but each well within it', async () => {
    const size = 5 * 1024 * 1024;
    const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 13 + (i >> 9)) & 0xff);
    const file = new Blob([bytes]);
    let opened = 0;
    let sliced = 0;
    // 64 KiB every 15 ms: a 1 MiB read takes ~240 ms, with a stall time of 60 ms.
    const slow = (from: Blob) => {
      let at = 0;
      return new ReadableStream({
        type: 'bytes',
        async pull(controller) {
          await new Promise((r) => setTimeout(r, 15));
          const view = controller.byobRequest!.view as Uint8Array;
          const n = Math.min(view.byteLength, 65_536, from.size - at);
          if (n <= 0) return controller.close();
          view.set(new Uint8Array(await from.slice(at, at + n).arrayBuffer()));
          at += n;
          controller.byobRequest!.respond(n);
        },
      });
    };
    const fake = {
      size: file.size,
      slice(a?: number, b?: number) {
        const part = file.slice(a, b);
        if (b !== undefined) return (sliced++, part);
        return { size: part.size, stream: () => (opened++, slow(part)) };
      },
    };
    const read = blobReader(fake as unknown as Blob, 60);
    const t0 = performance.now();
    const got = await read(0, 1 << 20);
    expect(performance.now() - t0).toBeGreaterThan(150);
    expect(Buffer.from(got).equals(Buffer.from(bytes.subarray(0, 1 << 20)))).toBe(true);
    expect(opened).toBe(1);
    expect(sliced).toBe(0);
  });
});

describe('letReadsRun (a turn of the event loop)', () => {
  it('resolves every call once, in the order made, after the tasks already queued', async () => {
    const order: string[] = [];
    const timer = new Promise<void>((resolve) => setTimeout(() => (order.push('timer'), resolve()), 0));
    await Promise.resolve();
    const calls = [1, 2, 3].map((k) => letReadsRun().then(() => order.push(`turn ${k}`)));
    void Promise.resolve().then(() => order.push('microtask'));
    await Promise.all([...calls, timer]);
    expect(order.filter((x) => x.startsWith('turn'))).toEqual(['turn 1', 'turn 2', 'turn 3']);
    expect(order[0]).toBe('microtask');
    // The channel is kept: more calls later still resolve.
    await letReadsRun();
    await letReadsRun();
  });
});
