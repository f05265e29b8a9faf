/**
 * A long compressed file on two workers, as the CLI does it on two threads (src/cli/parallel.ts):
 * one decodes and hashes (the WASM decoders, src/core/format/compressed-stream.ts) and sends the
 * decoded chunks over a MessagePort, their buffers transferred; the other analyses them as they
 * arrive. Decoding MP3 or Opus is most of the work in a Chromium worker, so the analysis then
 * costs almost no time of its own. At most MAX_IN_FLIGHT chunks wait on the port, so memory stays
 * bounded however fast the decoder is.
 */
import type { ContainerProbe } from '../src/core/types';

export type RelayMessage =
  | { kind: 'start'; sampleRateHz: number; channelCount: number; expectedFrames: number }
  | { kind: 'chunk'; channels: Float32Array[] }
  | { kind: 'end'; probe: ContainerProbe & { warnings?: string[] }; contentHash: string }
  /** The decoding side stopped (an error, a cancel, a codec it does not read): nothing more comes. */
  | { kind: 'abort' };

export type RelayReply = { kind: 'ack' };

/** Chunks sent and not yet taken in by the analysing side: the decoder waits beyond this. */
const MAX_IN_FLIGHT = 4;

export interface RelaySender {
  start(sampleRateHz: number, channelCount: number, expectedFrames: number): void;
  /** Sends the chunk (its buffers are transferred: do not touch it after); waits while too many are in flight. */
  send(channels: Float32Array[]): Promise<void>;
  end(probe: ContainerProbe & { warnings?: string[] }, contentHash: string): void;
  abort(): void;
}

export function relaySender(port: MessagePort): RelaySender {
  let inFlight = 0;
  let wake: (() => void) | null = null;
  let closed = false;
  port.onmessage = (event: MessageEvent<RelayReply>) => {
    if (event.data.kind !== 'ack') return;
    inFlight--;
    wake?.();
    wake = null;
  };
  const post = (m: RelayMessage, transfer: Transferable[] = []): void => {
    if (!closed) port.postMessage(m, transfer);
  };
  const close = (): void => {
    closed = true;
    port.close();
  };
  return {
    start(sampleRateHz, channelCount, expectedFrames) {
      post({ kind: 'start', sampleRateHz, channelCount, expectedFrames });
    },
    async send(channels) {
      inFlight++;
      post({ kind: 'chunk', channels }, [...new Set(channels.map((c) => c.buffer as ArrayBuffer))]);
      while (inFlight > MAX_IN_FLIGHT && !closed) await new Promise<void>((resolve) => (wake = resolve));
    },
    end(probe, contentHash) {
      post({ kind: 'end', probe, contentHash });
      close();
    },
    abort() {
      post({ kind: 'abort' });
      close();
    },
  };
}

export interface RelayHandlers {
  start(sampleRateHz: number, channelCount: number, expectedFrames: number): void;
  chunk(channels: Float32Array[]): void;
}

/**
 * The analysing side: calls the handlers as messages arrive (acknowledging each chunk after it
 * was taken in) and resolves with the end message, or null when the decoding side aborted.
 */
export function receiveRelay(port: MessagePort, handlers: RelayHandlers): Promise<Extract<RelayMessage, { kind: 'end' }> | null> {
  return new Promise((resolve, reject) => {
    port.onmessage = (event: MessageEvent<RelayMessage>) => {
      const m = event.data;
      try {
        if (m.kind === 'start') handlers.start(m.sampleRateHz, m.channelCount, m.expectedFrames);
        else if (m.kind === 'chunk') {
          handlers.chunk(m.channels);
          port.postMessage({ kind: 'ack' } satisfies RelayReply);
        } else {
          port.close();
          resolve(m.kind === 'end' ? m : null);
        }
      } catch (error) {
        port.close();
        reject(error);
      }
    };
  });
}
