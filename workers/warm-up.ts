/**
 * The kernels' optimised code, compiled before the first file. V8 runs a WebAssembly function in
 * its baseline tier (Liftoff) until it has run a while, then compiles it again, optimised
 * (TurboFan), in the background; each worker compiles its own module, so each worker did that
 * over again while it analysed, on the same two cores as the analysis: 0.22–0.30 CPU-s of the
 * ~1.3 s an hour of 16 kHz mono took, measured in a Chromium trace here.
 *
 * Instead, one short-lived worker runs the kernels over 20 s of synthetic speech-like audio,
 * mono and stereo (`warmUp`: ~0.7 s here, while the page waits for a file; 8 s took ~0.5 s and
 * left 3× more compiling to the file), and hands its compiled module to the page, which gives it
 * to every analysis worker before their first file (`useKernelModule`): instances of one module
 * share its code, the optimised tier included. Only the kernels are warmed this way: warming the
 * JavaScript in the analysis workers themselves left type feedback that the first real file
 * threw away, and TurboFan compiled more during it, not less.
 */
import { createSegmentAnalyzer, finishAnalysis } from '../src/core/analyze';
import { createDisplaySegment, finishDisplay, planDisplay } from '../src/core/display/display';
import { mulberry32 } from '../src/core/dsp/rng';
import { kernelModule } from '../src/core/kernels/runtime';
import { spectrogramJson } from './spectrogram-json';

/** Seconds of audio per warm-up stretch, and the frames pushed at a time (a decoded read's size). */
const WARM_UP_SEC = 20;
const CHUNK_FRAMES = 16_384;

/** One syllable-like burst of a harmonic voice and its pause, 1.3 s (right channel 6 dB down). */
function syllable(sampleRateHz: number, channelCount: number): Float32Array[] {
  const n = Math.round(1.3 * sampleRateHz);
  const channels = Array.from({ length: channelCount }, () => new Float32Array(n));
  for (let i = 0; i < n; i++) {
    const t = i / sampleRateHz;
    const env = t < 0.8 ? Math.sin((Math.PI * t) / 0.8) : 0;
    const f0 = 120 + 30 * Math.sin(2 * Math.PI * 0.6 * t);
    const v = env * (0.3 * Math.sin(2 * Math.PI * f0 * t) + 0.1 * Math.sin(2 * Math.PI * 3 * f0 * t) + 0.05 * Math.sin(2 * Math.PI * 9 * f0 * t));
    for (let c = 0; c < channelCount; c++) channels[c][i] = c === 0 ? v : 0.5 * v;
  }
  return channels;
}

/** WARM_UP_SEC of syllables in light noise through a segment analyzer and the display, then their merge. */
function warmOne(sampleRateHz: number, channelCount: number): void {
  const frames = WARM_UP_SEC * sampleRateHz;
  const analyzer = createSegmentAnalyzer(sampleRateHz, channelCount, { start: 0, end: null });
  const display = createDisplaySegment(planDisplay(sampleRateHz, channelCount, frames), { start: 0, end: null, firstPushed: 0 });
  const voice = syllable(sampleRateHz, channelCount);
  const period = voice[0].length;
  const rand = mulberry32(11);
  const chunk = voice.map(() => new Float32Array(CHUNK_FRAMES));
  for (let at = 0; at < frames; at += CHUNK_FRAMES) {
    const n = Math.min(CHUNK_FRAMES, frames - at);
    for (let c = 0; c < channelCount; c++) for (let i = 0; i < n; i++) chunk[c][i] = voice[c][(at + i) % period] + 0.002 * (rand() - 0.5);
    const pushed = chunk.map((x) => x.subarray(0, n));
    analyzer.push(pushed);
    display.push(pushed);
  }
  finishAnalysis([analyzer.partial()]);
  spectrogramJson(finishDisplay([display.partial()]).spectrogram, (bytes) => bytes.length);
}

/** Run the kernels until V8 has optimised the busy ones; returns the module (to post to the analysis workers). */
export function warmUp(): object {
  const started = performance.now();
  warmOne(16000, 1);
  warmOne(16000, 2);
  performance.measure('warm-up', { start: started });
  return kernelModule();
}
