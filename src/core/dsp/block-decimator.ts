/**
 * Mono downmix → boxcar average of `factor` samples → fixed-length blocks. The boxcar's nulls sit
 * on multiples of the new rate, so what folds down is attenuated; good enough for the long-window
 * analyses that use it (hum lines, cepstral echo), which compare a feature with its neighbours.
 * A frame whose channel sum is non-finite counts as 0. Chunk-agnostic: state carries across push
 * calls.
 *
 * Speed: the state lives in locals for the duration of a push (a closure variable written in a
 * per-sample loop stays in memory in V8, several times slower), and each group of `factor`
 * samples is summed in a tight inner loop. The additions run in the same order as a plain
 * per-sample loop, so the blocks are bit-identical however the audio is chunked.
 */
export function createBlockDecimator(
  channelCount: number,
  factor: number,
  blockLength: number,
  onBlock: (block: Float64Array, filled: number) => void,
): { push(channels: readonly Float32Array[]): void; flushPartial(minFill: number): void } {
  const block = new Float64Array(blockLength);
  const gain = 1 / (channelCount * factor);
  const state = { fill: 0, acc: 0, accCount: 0 };
  return {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      let fill = state.fill;
      let acc = state.acc;
      let accCount = state.accCount;
      const x0 = channels[0];
      const x1 = channelCount >= 2 ? channels[1] : x0;
      let i = 0;
      while (i < n) {
        const end = Math.min(n, i + (factor - accCount));
        accCount += end - i;
        if (channelCount === 1) {
          for (; i < end; i++) {
            const s = x0[i];
            if (s - s === 0) acc += s;
          }
        } else if (channelCount === 2) {
          for (; i < end; i++) {
            const s = x0[i] + x1[i];
            if (s - s === 0) acc += s;
          }
        } else {
          for (; i < end; i++) {
            let s = 0;
            for (let c = 0; c < channelCount; c++) s += channels[c][i];
            if (s - s === 0) acc += s;
          }
        }
        if (accCount === factor) {
          block[fill++] = acc * gain;
          acc = 0;
          accCount = 0;
          if (fill === blockLength) {
            onBlock(block, fill);
            fill = 0;
          }
        }
      }
      state.fill = fill;
      state.acc = acc;
      state.accCount = accCount;
    },
    /** Emit the last, partial block (zero-padded) when it holds more than `minFill` samples. */
    flushPartial(minFill) {
      if (state.fill > minFill) {
        block.fill(0, state.fill);
        onBlock(block, state.fill);
      }
      state.fill = 0;
    },
  };
}
