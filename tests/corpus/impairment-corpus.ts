/**
 * The failure-plane corpus: clean speech, and each impairment of issue 4 applied to it through
 * the core's impairment library, written as a 16-bit WAV (or encoded with a real low-bitrate
 * codec) and analysed through the same path as the CLI. Shared by the unit test
 * (tests/unit/findings/corpus.test.ts) and the eval script (scripts/eval/findings.ts).
 *
 * Sources: real speech (3 LibriVox readings back to back, 16 kHz, their own room tone; the
 * asterisk telephony prompts, 8 kHz), TTS (espeak-ng, 22.05 kHz) and µ-law telephony. The cut
 * points for the trimmed cases come from the eval's ground-truth speech extents, not the VAD.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyRecipe } from '../../src/core/impair/recipe';
import type { Recipe } from '../../src/core/impair/types';
import { encodeWav } from '../../src/core/format/wav-encode';
import { decodeWavBytes } from '../../src/core/format/wav';
import { analyzeFile } from '../../src/cli/analyze-file';
import type { FindingThresholds } from '../../src/core/findings/thresholds';
import type { Finding } from '../../src/core/summary/types';
import type { PcmAudio } from '../../src/core/types';
import { pinkNoise } from '../../src/core/dsp/noise';
import { loadPrompts, REPO_ROOT, type SetName } from '../../scripts/eval/dataset';

export type SourceName = 'librivox' | 'asterisk' | 'tts' | 'ulaw' | 'room';

export interface CorpusCase {
  name: string;
  source: SourceName;
  /** Impairments applied to the source; empty = the clean source. */
  recipe: Recipe;
  /** The detector that must fire (at warn or above; dual-mono is info by design), or null: clean. */
  expect: string | null;
  /** Encode with a real codec after the recipe (needs ffmpeg with libopus). */
  codec?: 'opus-8kbps';
}

export interface CorpusResult {
  case: CorpusCase;
  findings: Finding[];
  /** Why the case could not run (e.g. ffmpeg missing); findings are then empty. */
  skipped?: string;
}

interface Source {
  audio: PcmAudio;
  /** First speech onset and last speech offset (ground truth), seconds. */
  firstSpeechSec: number;
  lastSpeechEndSec: number;
  /** Inside the first word: the loudest 10 ms within 0.1–0.6 s after the first onset. */
  cutInWordSec: number;
  /** The file as it is, when the clean case must be read in its own encoding (µ-law). */
  path?: string;
}

function concatPrompts(set: SetName, count: number): Source {
  const prompts = loadPrompts(set).slice(0, count);
  const total = prompts.reduce((a, p) => a + p.samples.length, 0);
  const samples = new Float32Array(total);
  let pos = 0;
  for (const p of prompts) {
    samples.set(p.samples, pos);
    pos += p.samples.length;
  }
  const sr = prompts[0].sampleRateHz;
  const last = prompts[prompts.length - 1];
  return {
    audio: { sampleRateHz: sr, channels: [samples] },
    cutInWordSec: loudestHopSec(samples, sr, prompts[0].speechStart / sr + 0.1, prompts[0].speechStart / sr + 0.6),
    firstSpeechSec: prompts[0].speechStart / sr,
    lastSpeechEndSec: (total - last.samples.length + last.speechEnd) / sr,
  };
}

function fixture(rel: string): Source {
  const path = join(REPO_ROOT, 'fixtures', rel);
  const audio = decodeWavBytes(new Uint8Array(readFileSync(path)));
  const durationSec = audio.channels[0].length / audio.sampleRateHz;
  return { audio, firstSpeechSec: 0, lastSpeechEndSec: durationSec, cutInWordSec: 0, path };
}

function loudestHopSec(x: Float32Array, sr: number, fromSec: number, toSec: number): number {
  const hop = Math.round(sr * 0.01);
  let best = fromSec;
  let bestPower = -1;
  for (let i = Math.round(fromSec * sr); i + hop <= Math.min(x.length, Math.round(toSec * sr)); i += hop) {
    let p = 0;
    for (let k = i; k < i + hop; k++) p += x[k] * x[k];
    if (p > bestPower) {
      bestPower = p;
      best = i / sr;
    }
  }
  return best;
}

/** 10 s of pink room noise at −60 dBFS RMS, 16 kHz: a muted talker, an open line. */
function roomNoise(): Source {
  const sr = 16000;
  const x = pinkNoise(10 * sr, 31337);
  let s = 0;
  for (const v of x) s += v * v;
  const g = 10 ** (-60 / 20) / Math.sqrt(s / x.length);
  return { audio: { sampleRateHz: sr, channels: [x.map((v) => v * g)] }, firstSpeechSec: 0, lastSpeechEndSec: 0, cutInWordSec: 0 };
}

const sources = new Map<SourceName, Source>();
export function loadSource(name: SourceName): Source {
  let s = sources.get(name);
  if (!s) {
    s =
      name === 'librivox' ? concatPrompts('librivox', 3)
      : name === 'asterisk' ? concatPrompts('asterisk', 4)
      : name === 'room' ? roomNoise()
      : name === 'tts' ? fixture('generated/tts-espeak-22k.wav')
      : fixture('generated/telephony-8k-ulaw.wav');
    sources.set(name, s);
  }
  return s;
}

/** Every clean source, then every impairment of issue 4 on `on` (real speech). */
export function corpusCases(on: 'librivox' | 'asterisk' = 'librivox'): CorpusCase[] {
  const src = loadSource(on);
  const durationSec = src.audio.channels[0].length / src.audio.sampleRateHz;
  const r = (seed: number, ...steps: Recipe['steps']): Recipe => ({ seed, steps });
  const clean: CorpusCase[] = (['librivox', 'asterisk', 'tts', 'ulaw'] as const).map((s) => ({
    name: `clean ${s}`,
    source: s,
    recipe: r(1),
    expect: null,
  }));
  const impaired: CorpusCase[] = [
    { name: 'hard clipping (+12 dB drive)', source: on, recipe: r(2, { id: 'hard-clip', params: { driveDb: 12 } }), expect: 'clipping' },
    { name: 'clipped, then −6 dB', source: on, recipe: r(3, { id: 'clip-then-attenuate', params: { driveDb: 12, attenuationDb: 6 } }), expect: 'upstream-clipping' },
    { name: 'quiet speaker (−30 dB)', source: on, recipe: r(4, { id: 'gain', params: { gainDb: -30 } }), expect: 'low-level' },
    { name: 'white noise, 5 dB SNR', source: on, recipe: r(5, { id: 'add-noise', params: { kind: 'white', snrDb: 5 } }), expect: 'low-snr' },
    { name: 'DC offset 0.05 FS', source: on, recipe: r(6, { id: 'dc-offset', params: { offset: 0.05 } }), expect: 'dc-offset' },
    { name: '50 Hz hum, −15 dB re speech', source: on, recipe: r(7, { id: 'mains-hum', params: { mainsHz: 50, levelDb: -15 } }), expect: 'hum' },
    {
      name: '8 kHz upsampled to 48 kHz',
      source: on,
      recipe: r(8, { id: 'band-limit', params: { viaRateHz: 8000 } }, { id: 'resample', params: { toRateHz: 48000 } }),
      expect: 'band-limited',
    },
    { name: 'Opus 8 kbit/s (48 kHz)', source: on, recipe: r(9, { id: 'resample', params: { toRateHz: 48000 } }), codec: 'opus-8kbps', expect: 'band-limited' },
    { name: 'declared 11 kHz', source: on, recipe: r(10, { id: 'resample', params: { toRateHz: 11000 } }), expect: 'nonstandard-rate' },
    { name: 'phase-inverted stereo', source: on, recipe: r(11, { id: 'channels', params: { op: 'invert', channel: 1 } }), expect: 'phase-inverted' },
    { name: 'dead right channel', source: on, recipe: r(12, { id: 'channels', params: { op: 'kill', channel: 1 } }), expect: 'dead-channel' },
    { name: 'dual mono', source: on, recipe: r(13, { id: 'channels', params: { op: 'duplicate' } }), expect: 'dual-mono' },
    {
      name: 'right channel −6 dB',
      source: on,
      // Independent room noise per channel after the split, so the channels are not identical.
      recipe: r(14, { id: 'channels', params: { op: 'imbalance', channel: 1, imbalanceDb: 6 } }, { id: 'add-noise', params: { kind: 'pink', snrDb: 40 } }),
      expect: 'channel-imbalance',
    },
    { name: '20 ms packets lost (3 %)', source: on, recipe: r(15, { id: 'packet-loss', params: { frameMs: 20, lossPercent: 3, conceal: 'zeros' } }), expect: 'dropouts' },
    { name: 'echo 150 ms, −6 dB', source: on, recipe: r(16, { id: 'echo', params: { delayMs: 150, decayDb: -6 } }), expect: 'echo' },
    { name: 'start trimmed into speech', source: on, recipe: r(17, { id: 'trim', params: { startSec: round3(src.cutInWordSec) } }), expect: 'leading-speech-cut' },
    {
      name: 'end trimmed into speech',
      source: on,
      recipe: r(18, { id: 'trim', params: { endSec: round3(durationSec - src.lastSpeechEndSec + 0.3) } }),
      expect: 'trailing-speech-cut',
    },
    { name: '3 s leading silence', source: on, recipe: r(19, { id: 'pad-silence', params: { leadingSec: 3, noiseDbfs: -70 } }), expect: 'long-leading-silence' },
    { name: 'no speech (room noise only)', source: 'room', recipe: r(20), expect: 'no-speech' },
  ];
  return [...clean, ...impaired];
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

let ffmpegOk: boolean | null = null;
function hasOpusEncoder(): boolean {
  if (ffmpegOk === null) {
    try {
      ffmpegOk = execFileSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('libopus');
    } catch {
      ffmpegOk = false;
    }
  }
  return ffmpegOk;
}

/** Build every case, write it, analyse it the way the CLI does. */
export async function runCorpus(cases: CorpusCase[], thresholds: Partial<FindingThresholds> = {}): Promise<CorpusResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'apl-corpus-'));
  try {
    const out: CorpusResult[] = [];
    for (const [i, c] of cases.entries()) {
      const src = loadSource(c.source);
      let path: string;
      if (c.recipe.steps.length === 0 && src.path) path = src.path;
      else {
        const audio = applyRecipe(src.audio, c.recipe);
        path = join(dir, `case-${i}.wav`);
        writeFileSync(path, encodeWav(audio.channels, audio.sampleRateHz, 'pcm16'));
      }
      if (c.codec === 'opus-8kbps') {
        if (!hasOpusEncoder()) {
          out.push({ case: c, findings: [], skipped: 'ffmpeg with libopus not installed' });
          continue;
        }
        const opus = join(dir, `case-${i}.opus`);
        execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', path, '-c:a', 'libopus', '-b:a', '8k', opus]);
        path = opus;
      }
      const result = await analyzeFile(path, { thresholds });
      if (!result.ok) throw new Error(`${c.name}: ${result.error.message}`);
      out.push({ case: c, findings: result.value.findings });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
