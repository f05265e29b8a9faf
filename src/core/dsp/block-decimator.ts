/**
 * Mono downmix → boxcar average of `factor` samples → fixed-length blocks. The boxcar's nulls sit
 * on multiples of the new rate, so what folds down is attenuated; good enough for the long-window
 * analyses that use it (hum lines, cepstral echo), which compare a feature with its neighbours.
 * A frame whose channel sum is non-finite counts as 0. Chunk-agnostic: state carries across push
 * calls. The loop runs in the analysis kernels (src/core/kernels/c/decimate.c) as two partial
 * sums per window, each in sample order, so the blocks are bit-identical however the audio is chunked.
 *
 * `onBlock` gets the block as a view of kernel memory (valid during the call) and its pointer,
 * for a consumer that runs in the kernels too.
 */
import { createStaging, kernels, owned, type KernelHeld, kernelMemoryFull } from '../kernels/runtime';

export type OnBlock = (block: Float64Array, filled: number, blockPtr: number) => void;

export function createBlockDecimator(
  channelCount: number,
  factor: number,
  blockLength: number,
  onBlock: OnBlock,
): KernelHeld & { push(channels: readonly Float32Array[]): void; flushPartial(minFill: number): void } {
  const k = kernels();
  const d = k.exports.decim_new(channelCount, factor, blockLength);
  if (d === 0) throw kernelMemoryFull();
  const blockPtr = k.exports.decim_block(d);
  const staging = createStaging(channelCount);
  const emit = (filled: number): void => {
    onBlock(k.f64(blockPtr, blockLength), filled, blockPtr);
    k.exports.decim_reset(d);
  };
  const decimator = {
    push(channels: readonly Float32Array[]): void {
      const n = channels[0]?.length ?? 0;
      for (let from = 0; from < n; from += staging.maxFrames) {
        const len = Math.min(staging.maxFrames, n - from);
        const table = staging.stage(channels, from, len);
        let i = 0;
        while (i < len) {
          i = k.exports.decim_push(d, table, i, len);
          if (k.exports.decim_fill(d) === blockLength) emit(blockLength);
        }
      }
    },
    /** Emit the last, partial block (zero-padded) when it holds more than `minFill` samples. */
    flushPartial(minFill: number): void {
      const fill = k.exports.decim_fill(d);
      if (fill > minFill) {
        k.f64(blockPtr, blockLength).fill(0, fill);
        emit(fill);
      }
      k.exports.decim_reset(d);
    },
    release: (): void => undefined,
  };
  decimator.release = owned(decimator, () => {
    k.exports.decim_free(d);
    staging.release();
  });
  return decimator;
}
