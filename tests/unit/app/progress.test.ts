import { describe, expect, it } from 'vitest';
import { progressDetail } from '../../../src/app/progress';

describe('progress detail', () => {
  it('says nothing before audio is being analysed', () => {
    expect(progressDetail(null)).toBeNull();
    expect(progressDetail({ stage: 'probing', fraction: 0 })).toBeNull();
  });

  it('gives audio done of total, then rate and time left once ½ s and 2 % are in', () => {
    expect(progressDetail({ stage: 'analysing', fraction: 0.01, audioSecDone: 36, audioSecTotal: 3600, elapsedMs: 100 })).toBe('0:36 of 1:00:00 audio');
    // 25 % of a 1 h file in 2 s: 900 s of audio / 2 s = 450× real time; 2 s × 0.75 / 0.25 = 6 s left.
    expect(progressDetail({ stage: 'analysing', fraction: 0.25, audioSecDone: 900, audioSecTotal: 3600, elapsedMs: 2000 })).toBe(
      '15:00 of 1:00:00 audio · 450× real time · about 6 s left',
    );
    // Minutes once the wait is long; under a second at the end.
    expect(progressDetail({ stage: 'analysing', fraction: 0.1, audioSecDone: 60, audioSecTotal: 600, elapsedMs: 60_000 })).toBe(
      '1:00 of 10:00 audio · 1× real time · about 9 min left',
    );
    expect(progressDetail({ stage: 'analysing', fraction: 0.99, audioSecDone: 594, elapsedMs: 5000 })).toBe('9:54 audio · 119× real time · under 1 s left');
  });
});
