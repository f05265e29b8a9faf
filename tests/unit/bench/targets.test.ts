import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { formatTargets, launcherStart, machineSlowdown, REFERENCE_SEC, targetRows, type BenchFigures } from '../../../scripts/bench-targets';

/** A run where every reference tool took exactly `k` times its reference figure. */
function runAt(k: number): BenchFigures {
  return {
    cliSec: { wav16: 1.6, wav48: 4.5 },
    ffmpegSec: { wav16: k * REFERENCE_SEC.ffmpeg.wav16, wav48: k * REFERENCE_SEC.ffmpeg.wav48, mp3: k * REFERENCE_SEC.ffmpeg.mp3, opus: k * REFERENCE_SEC.ffmpeg.opus },
    soxSec: { wav16: k * REFERENCE_SEC.sox.wav16, wav48: k * REFERENCE_SEC.sox.wav48 },
    page: {
      wav16: { reportSec: 1.8, peakRendererMb: 330, longestAnalysingMs: 0, decodeAudioDataSec: null },
      wav48: { reportSec: 5.4, peakRendererMb: 380, longestAnalysingMs: 12, decodeAudioDataSec: null },
      mp3: { reportSec: 9, peakRendererMb: 350, longestAnalysingMs: 0, decodeAudioDataSec: k * REFERENCE_SEC.decodeAudioData.mp3 },
      opus: { reportSec: 20, peakRendererMb: 510, longestAnalysingMs: 0, decodeAudioDataSec: k * REFERENCE_SEC.decodeAudioData.opus },
    },
  };
}

describe("bench: issue 6's targets against a run", () => {
  it('takes the median of measured ÷ reference over every reference timing the run has', () => {
    const s = machineSlowdown(runAt(2));
    expect(s.ratios).toHaveLength(8);
    expect(s.median).toBeCloseTo(2, 12);
    // One tool far off moves the median little: ffmpeg on the 48 kHz WAV 5× slower instead of 2×.
    const odd = runAt(2);
    odd.ffmpegSec.wav48 = 5 * REFERENCE_SEC.ffmpeg.wav48;
    expect(machineSlowdown(odd).median).toBeCloseTo(2, 12);
    expect(machineSlowdown({ cliSec: {}, ffmpegSec: {}, soxSec: {} }).median).toBe(1);
  });

  it('judges each target on the figure as measured, and shows it scaled by the slowdown beside it', () => {
    const rows = targetRows(runAt(2), 2);
    const row = (prefix: string) => rows.find((r) => r.target.startsWith(prefix))!;
    expect(row('CLI, 16 kHz')).toMatchObject({ measured: '1.60 s', met: false, scaled: '0.80 s', metScaled: true });
    expect(row('CLI, 48 kHz')).toMatchObject({ measured: '4.50 s', met: false, scaled: '2.25 s', metScaled: true });
    expect(row('page, 48 kHz stereo WAV ≤')).toMatchObject({ met: false, scaled: '2.70 s', metScaled: true });
    // 2 × 12.2 s of ffmpeg ÷ 5.4 s = 4.52×: a ratio, not scaled.
    expect(row('page, 48 kHz stereo WAV ≥')).toMatchObject({ measured: '4.52×', met: true, scaled: null });
    // MP3 9 s against 11.2 s of decoding: 0.80×; Opus 20 s against 28.8 s: 0.69×.
    expect(row('page, MP3')).toMatchObject({ measured: '0.80×', met: true });
    expect(row('page, Opus')).toMatchObject({ measured: '0.69×', met: true });
    expect(row('page, longest')).toMatchObject({ measured: '12 ms', met: true });
    expect(row('page, peak')).toMatchObject({ measured: '510 MB', met: false });
    expect(formatTargets(runAt(2))).toContain('2.00× slower');
  });
});

describe("bench: the CLI started as the launcher's first line starts it", () => {
  it('reads the variables dropped and the Node flags from bin/apl.mjs, and refuses a line it cannot read', () => {
    const firstLine = readFileSync(new URL('../../../bin/apl.mjs', import.meta.url), 'utf8').split('\n')[0];
    expect(launcherStart(firstLine)).toEqual({ unset: ['NODE_EXTRA_CA_CERTS'], nodeFlags: ['--no-concurrent-recompilation'] });
    expect(launcherStart('#!/usr/bin/env -S node')).toEqual({ unset: [], nodeFlags: [] });
    expect(launcherStart('#!/usr/bin/env -S -u A -u B node --x --y=1')).toEqual({ unset: ['A', 'B'], nodeFlags: ['--x', '--y=1'] });
    expect(() => launcherStart('#!/usr/bin/env node')).toThrow(/first line/);
    expect(() => launcherStart('#!/usr/bin/env -S deno run')).toThrow(/first line/);
    expect(() => launcherStart('#!/usr/bin/env -S node --a script.js')).toThrow(/first line/);
  });
});
