/**
 * Where the clipping is: runs of ≥ 3 samples at |x| ≥ 0.999 FS (the same definition as
 * clipping.ts), merged into time ranges when closer than 50 ms, at most 200 ranges. The counts
 * live in sample-stats; this only locates them so the page can jump to them.
 */
import type { Accumulator, TimeRange } from '../types';
import { CLIP_LEVEL, CLIP_RUN_MIN } from './clipping';

const MERGE_GAP_SEC = 0.05;
const MAX_RANGES = 200;

export function createClipRanges(sampleRateHz: number, channelCount: number): Accumulator<TimeRange[]> {
  const runLength = new Int32Array(channelCount);
  const ranges: TimeRange[] = [];
  let position = 0;
  const mergeGap = Math.round(MERGE_GAP_SEC * sampleRateHz);
  let openStart = -1;
  let openEnd = -1;

  const addRun = (start: number, end: number): void => {
    if (openStart >= 0 && start - openEnd <= mergeGap) {
      openEnd = Math.max(openEnd, end);
      openStart = Math.min(openStart, start);
      return;
    }
    closeOpen();
    openStart = start;
    openEnd = end;
  };
  const closeOpen = (): void => {
    if (openStart >= 0 && ranges.length < MAX_RANGES) {
      ranges.push({ startSec: openStart / sampleRateHz, endSec: openEnd / sampleRateHz });
    }
    openStart = -1;
  };

  return {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      for (let c = 0; c < channelCount; c++) {
        const x = channels[c];
        let run = runLength[c];
        for (let i = 0; i < n; i++) {
          const v = x[i];
          if (v >= CLIP_LEVEL || v <= -CLIP_LEVEL) run++;
          else {
            if (run >= CLIP_RUN_MIN) addRun(position + i - run, position + i);
            run = 0;
          }
        }
        runLength[c] = run;
      }
      position += n;
    },
    finish() {
      for (let c = 0; c < channelCount; c++) {
        if (runLength[c] >= CLIP_RUN_MIN) addRun(position - runLength[c], position);
        runLength[c] = 0;
      }
      closeOpen();
      return ranges.sort((a, b) => a.startSec - b.startSec);
    },
  };
}
