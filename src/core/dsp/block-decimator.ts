/**
 * Mono downmix → boxcar average of `factor` samples → fixed-length blocks. The boxcar's nulls sit
 * on multiples of the new rate, so what folds down is attenuated; good enough for the long-window
 * analyses that use it (hum lines, cepstral echo), which compare a feature with its neighbours.
 * Non-finite samples count as 0. Chunk-agnostic: state carries across push calls.
 */
export function createBlockDecimator(
  channelCount: number,
  factor: number,
  blockLength: number,
  onBlock: (block: Float64Array, filled: number) => void,
): { push(channels: readonly Float32Array[]): void; flushPartial(minFill: number): void } {
  const block = new Float64Array(blockLength);
  const gain = 1 / (channelCount * factor);
  let fill = 0;
  let acc = 0;
  let accCount = 0;
  return {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      const mono = channelCount === 1 ? channels[0] : null;
      for (let i = 0; i < n; i++) {
        let s = 0;
        if (mono !== null) s = mono[i];
        else for (let c = 0; c < channelCount; c++) s += channels[c][i];
        if (Number.isFinite(s)) acc += s;
        if (++accCount === factor) {
          block[fill++] = acc * gain;
          acc = 0;
          accCount = 0;
          if (fill === blockLength) {
            onBlock(block, fill);
            fill = 0;
          }
        }
      }
    },
    /** Emit the last, partial block (zero-padded) when it holds at least `minFill` samples. */
    flushPartial(minFill) {
      if (fill > minFill) {
        block.fill(0, fill);
        onBlock(block, fill);
      }
      fill = 0;
    },
  };
}
