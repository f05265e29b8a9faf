/**
 * The kernels' optimised code, compiled before the first file. V8 runs a WebAssembly function in
 * its baseline tier (Liftoff) until it has run a while, then compiles it again, optimised
 * (TurboFan), in the background; each worker compiles its own module, so each worker did that
 * over again while it analysed, on the same two cores as the analysis: 0.22–0.30 CPU-s of the
 * ~1.3 s an hour of 16 kHz mono took, measured in a Chromium trace here.
 *
 * Instead, one short-lived worker runs the kernels over 20 s of synthetic speech-like audio,
 * mono and stereo, and hands its compiled module to the page, which gives it to every analysis
 * worker before their first file (`useKernelModule`): instances of one module share its code,
 * the optimised tier included. The audio goes through what a file's segment goes through (a
 * 16-bit WAV Blob read, converted and hashed by analyzeWavSegment), then the merge's kernels run
 * MERGE_ROUNDS times: one merge of 20 s left them in Liftoff, and the first file's merge, on
 * the critical path, ran there while TurboFan compiled them (Chromium traces of an hour of
 * 16 kHz mono here: 16–45 ms of compiling inside the merge before, 8–11 ms now; 97–126 ms over
 * the whole analysis before, 32–51 ms now). It takes ~0.4–0.5 s here (0.26–0.32 s before),
 * while the page waits for a file; the page marks its end (WARM_MARK, workers/marks.ts).
 * Only the kernels are warmed this way: warming the JavaScript in the analysis workers themselves
 * left type feedback that the first real file threw away, and TurboFan compiled more during it,
 * not less.
 */
import { finishAnalysis } from '../src/core/analyze';
import { finishDisplay, planDisplay } from '../src/core/display/display';
import { mulberry32 } from '../src/core/dsp/rng';
import { wavHeader } from '../src/core/format/wav-encode';
import { parseWavHeader } from '../src/core/format/wav';
import { contentHashOfPieces } from '../src/core/hash';
import { kernelModule } from '../src/core/kernels/runtime';
import { hashPiecesOf } from '../src/core/wav-segment';
import { analyzeWavSegment } from './segments';
import { spectrogramJson } from './spectrogram-json';

/** Seconds of audio per warm-up stretch. */
const WARM_UP_SEC = 20;
/**
 * Merges of each stretch's partial, mono then stereo (which shares most kernels): 15 and 5 took
 * every merge kernel to TurboFan in Node's V8, as 20 and 20 did (10 and 5 left one in Liftoff).
 */
const MERGE_ROUNDS = { mono: 15, stereo: 5 };

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

/** WARM_UP_SEC of syllables in light noise as a 16-bit WAV file, and its header. */
function syntheticWav(sampleRateHz: number, channelCount: number): { file: Blob; header: Uint8Array<ArrayBuffer> } {
  const frames = WARM_UP_SEC * sampleRateHz;
  const voice = syllable(sampleRateHz, channelCount);
  const period = voice[0].length;
  const rand = mulberry32(11);
  const samples = new Int16Array(frames * channelCount);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channelCount; c++) samples[i * channelCount + c] = Math.round(32767 * (voice[c][i % period] + 0.002 * (rand() - 0.5)));
  }
  const header = wavHeader('pcm16', channelCount, sampleRateHz, frames) as Uint8Array<ArrayBuffer>;
  return { file: new Blob([header, samples]), header };
}

/**
 * A synthetic WAV through the page's own path for a file's segment (analyzeWavSegment: reads,
 * PCM conversion, content hash, analysis and display), then the merge's, MERGE_ROUNDS times.
 */
async function warmOne(sampleRateHz: number, channelCount: number): Promise<void> {
  const { file, header } = syntheticWav(sampleRateHz, channelCount);
  const parsed = parseWavHeader(header, file.size);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const { layout } = parsed.value;
  const frames = WARM_UP_SEC * sampleRateHz;
  const spec = { start: 0, end: null };
  const [pieces] = hashPiecesOf(layout, [spec], file.size);
  const result = await analyzeWavSegment(file, { layout, spec, pieces, display: planDisplay(sampleRateHz, channelCount, frames) });
  for (let r = 0; r < (channelCount === 1 ? MERGE_ROUNDS.mono : MERGE_ROUNDS.stereo); r++) finishAnalysis([result.analysis]);
  contentHashOfPieces(result.pieceDigests);
  spectrogramJson(finishDisplay([result.display]).spectrogram, (bytes) => bytes.length);
}

/** Run the kernels until V8 has optimised the busy ones; returns the module (to post to the analysis workers). */
export async function warmUp(): Promise<object> {
  const started = performance.now();
  await warmOne(16000, 1);
  await warmOne(16000, 2);
  performance.measure('warm-up', { start: started });
  return kernelModule();
}
