/**
 * Frame F1 of the three VAD engines on LibriVox prompts separated by exact digital silence, by
 * speech gain and noise: `npx tsx scripts/eval/engines-f1.ts` prints the README's table.
 * Each cell: strict F1 (every 10 ms frame) / F1 with each prompt's own lead-in and tail not scored
 * (scripts/eval/engine-labels.ts explains the don't-care zones).
 */
import { loadNodeEngines } from '../../src/node/vad-engines';
import type { VadEngine, VadEngineSettings } from '../../src/core/vad-engines/types';
import type { NoiseKind } from './dataset';
import { frameScore, labelled } from './engine-labels';

const [builtin, webrtc, silero] = await loadNodeEngines();
const columns: Array<{ name: string; engine: VadEngine; settings?: VadEngineSettings }> = [
  { name: 'built-in', engine: builtin },
  { name: 'WebRTC (mode 2)', engine: webrtc },
  { name: 'WebRTC (mode 3)', engine: webrtc, settings: { threshold: 3 } },
  { name: 'Silero', engine: silero },
];
const cells: Array<[number, NoiseKind, number | null]> = [
  [-6, 'none', null],
  [-18, 'none', null],
  [-30, 'none', null],
  [-42, 'none', null],
  [-18, 'pink', 10],
  [-18, 'white', 10],
  [-18, 'white', 0],
];
const minus = (x: number): string => (x < 0 ? `−${-x}` : String(x));
console.log(`| speech gain | noise | ${columns.map((c) => c.name).join(' | ')} |`);
console.log(`|---|---|${columns.map(() => '---').join('|')}|`);
for (const [gainDb, noise, snrDb] of cells) {
  const l = labelled(gainDb, noise, snrDb);
  const audio = { sampleRateHz: l.cell.sampleRateHz, channels: [l.cell.samples] };
  const row: string[] = [];
  for (const c of columns) {
    const r = await c.engine.run(audio, c.settings);
    const strict = frameScore({ ...l, sounding: [] }, r.segments, 0);
    const lenient = frameScore(l, r.segments, r.frameSec + r.settings.padSec);
    row.push(`${strict.f1.toFixed(3)} / ${lenient.f1.toFixed(3)}`);
  }
  console.log(`| ${minus(gainDb)} dB | ${noise === 'none' ? 'none' : `${noise}, ${snrDb} dB SNR`} | ${row.join(' | ')} |`);
}
