/**
 * Where the page's CPU time goes on one file: a Chromium trace (V8's sampling profiler on every
 * thread, the page's workers included) while the page analyses the file, summed per thread and
 * per function (self time). For chasing issue 6's page-vs-CLI gap; not part of any test.
 *
 *   npx tsx scripts/page-profile.ts <file> [--top 25] [--no-build] [--trace out.json] [--light]
 *     [--categories a,b] (trace categories instead of the profiler's)
 *     [--span NAME] [--cores N] [--from-trace out.json]
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { build } from 'vite';
import { KERNELS_WASM_BASE64 } from '../src/core/kernels/kernels.wasm';
import { launchChromium, ROOT, servePage } from '../tests/e2e/harness';
import { SETTLE_MS, waitForWarmKernels } from './page-measure';

/** The kernels module's export names by function index (profiles name wasm functions by index). */
function wasmExportNames(): Map<number, string> {
  const b = Buffer.from(KERNELS_WASM_BASE64, 'base64');
  let p = 8;
  const leb = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const x = b[p++];
      v |= (x & 0x7f) << shift;
      if (x < 0x80) return v >>> 0;
      shift += 7;
    }
  };
  const names = new Map<number, string>();
  while (p < b.length) {
    const id = b[p++];
    const size = leb();
    const end = p + size;
    if (id === 7) {
      for (let n = leb(); n > 0; n--) {
        const len = leb();
        const name = b.subarray(p, p + len).toString('utf8');
        p += len;
        const kind = b[p++];
        const index = leb();
        if (kind === 0) names.set(index, name);
      }
    }
    p = end;
  }
  return names;
}
const WASM_NAMES = wasmExportNames();

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a)) ?? '';
if (!file) throw new Error('usage: page-profile.ts <file> [--top N] [--no-build] [--trace out.json]');
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const top = Number(opt('--top') ?? 25);

interface TraceEvent {
  name: string;
  ph: string;
  cat?: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  id?: string;
  args?: { name?: string; data?: Record<string, unknown> };
}
interface ProfileNode {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url: string; lineNumber?: number };
}

async function main(): Promise<void> {
  // Unminified, so the profile names the page's own functions.
  if (!args.includes('--no-build')) await build({ root: ROOT, logLevel: 'warn', configFile: `${ROOT}/vite.config.ts`, build: { minify: false } });
  if (opt('--from-trace')) return summarise((JSON.parse(readFileSync(opt('--from-trace')!, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents);
  const served = await servePage();
  const browser = await launchChromium();
  try {
    const cdp = await browser.newBrowserCDPSession();
    const page = await browser.newPage();
    // --cores N: the page sizes its worker pool from this (as tests/e2e/split.e2e.test.ts does).
    const cores = opt('--cores');
    if (cores) await page.addInitScript(`Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => ${Number(cores)} });`);
    await page.goto(served.url);
    await page.waitForTimeout(SETTLE_MS);
    await waitForWarmKernels(page);
    const events: TraceEvent[] = [];
    cdp.on('Tracing.dataCollected', (e) => {
      events.push(...(e.value as unknown as TraceEvent[]));
    });
    const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.start', {
      traceConfig: {
        includedCategories: opt('--categories')
          ? [...opt('--categories')!.split(','), 'blink.user_timing', '__metadata']
          : args.includes('--light')
          ? ['blink.user_timing', '__metadata']
          : ['disabled-by-default-v8.cpu_profiler', 'v8', 'devtools.timeline', 'blink.user_timing', '__metadata'],
        recordMode: 'recordContinuously',
      },
      transferMode: 'ReportEvents',
    } as never);
    const cpuBefore = threadCpu();
    // Threads that end before the report (a worker renewed after its segment) keep the last
    // figures read from them: /proc is read every 20 ms until the report.
    const cpuAfter = new Map(cpuBefore);
    const poll = setInterval(() => {
      for (const [key, v] of threadCpu()) cpuAfter.set(key, v);
    }, 20);
    const t0 = Date.now();
    await page.getByLabel(/audio file/i).setInputFiles(file);
    await page.locator('[data-testid="report"]').waitFor({ timeout: 600_000 });
    const reportSec = (Date.now() - t0) / 1000;
    clearInterval(poll);
    for (const [key, v] of threadCpu()) cpuAfter.set(key, v);
    await page.waitForTimeout(300);
    await cdp.send('Tracing.end');
    await done;
    const tracePath = opt('--trace');
    if (tracePath) writeFileSync(tracePath, JSON.stringify({ traceEvents: events }));
    console.log(`report after ${reportSec.toFixed(2)} s (Playwright clock), ${events.length} trace events`);
    printCpu(cpuBefore, cpuAfter);
    summarise(events);
  } finally {
    await browser.close();
    await served.close();
  }
}

/** CPU seconds so far of every thread of every Chromium process (Linux /proc), by "process type/thread name". */
function threadCpu(): Map<string, { name: string; sec: number; faults: number }> {
  const out = new Map<string, { name: string; sec: number; faults: number }>();
  const tick = 100; // USER_HZ
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('chromium')) continue;
      const type = /--type=([\w-]+)/.exec(cmdline)?.[1] ?? 'browser';
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        out.set(`${pid}/${tid}`, { name: `${type}/${name}`, sec: (Number(fields[11]) + Number(fields[12])) / tick, faults: Number(fields[7]) });
      }
    } catch {
      // the process or thread ended while being read
    }
  }
  return out;
}

function printCpu(before: Map<string, { name: string; sec: number; faults: number }>, after: Map<string, { name: string; sec: number; faults: number }>): void {
  const byName = new Map<string, number>();
  const faultsByName = new Map<string, number>();
  for (const [key, a] of after) {
    const d = a.sec - (before.get(key)?.sec ?? 0);
    if (d > 0) byName.set(a.name, (byName.get(a.name) ?? 0) + d);
    const f = a.faults - (before.get(key)?.faults ?? 0);
    if (f > 0) faultsByName.set(a.name, (faultsByName.get(a.name) ?? 0) + f);
  }
  const total = [...byName.values()].reduce((x, y) => x + y, 0);
  console.log(`CPU while analysing (all Chromium threads, /proc): ${total.toFixed(2)} s`);
  for (const [name, sec] of [...byName].sort((x, y) => y[1] - x[1]).slice(0, 12)) console.log(`  ${sec.toFixed(2).padStart(6)} s  ${name}`);
  // Minor page faults: a fresh page costs ~10 µs on this VM (a trap to the hypervisor), so they are CPU time too.
  const faults = [...faultsByName.values()].reduce((x, y) => x + y, 0);
  console.log(`minor page faults while analysing: ${faults}`);
  for (const [name, n] of [...faultsByName].sort((x, y) => y[1] - x[1]).slice(0, 8)) console.log(`  ${String(n).padStart(7)}  ${name}`);
}

function summarise(events: TraceEvent[]): void {
  const threadName = new Map<string, string>();
  for (const e of events) if (e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, String(e.args?.name));
  // The page's own performance.measure() spans (segments, finish), on the first one's clock.
  const marks = events.filter((e) => e.cat === 'blink.user_timing' && (e.ph === 'b' || e.ph === 'e' || e.ph === 'X' || e.ph === 'R' || e.ph === 'I'));
  if (marks.length > 0) {
    const origin = Math.min(...marks.map((e) => e.ts));
    const open = new Map<string, number>();
    for (const e of marks.sort((a, b) => a.ts - b.ts)) {
      const who = `${threadName.get(`${e.pid}:${e.tid}`) ?? e.tid}`;
      const at = ((e.ts - origin) / 1000).toFixed(0).padStart(6);
      if (e.ph === 'R' || e.ph === 'I') console.log(`${at} ms  mark ${e.name}  (${who})`);
      else if (e.ph === 'X') console.log(`${at} ms  +${((e.dur ?? 0) / 1000).toFixed(0)} ms  ${e.name}  (${who})`);
      else if (e.ph === 'b') open.set(`${e.id}:${e.name}`, e.ts);
      else {
        const b = open.get(`${e.id}:${e.name}`);
        if (b !== undefined) console.log(`${((b - origin) / 1000).toFixed(0).padStart(6)} ms  +${((e.ts - b) / 1000).toFixed(0)} ms  ${e.name}  (${who}, ${e.tid})`);
      }
    }
  }
  // Profile chunks are keyed by profile id; nodes accumulate across chunks.
  interface ThreadProfile {
    thread: string;
    nodes: Map<number, ProfileNode>;
    self: Map<number, number>;
    clockUs: number;
    /** [time µs, node id] per sample. */
    timeline: Array<[number, number]>;
  }
  const profiles = new Map<string, ThreadProfile>();
  for (const e of events) {
    if (e.name !== 'Profile' && e.name !== 'ProfileChunk') continue;
    const key = `${e.pid}:${e.id}`;
    let p = profiles.get(key);
    if (!p) {
      p = { thread: `${e.pid}:${e.tid}`, nodes: new Map(), self: new Map(), clockUs: 0, timeline: [] };
      profiles.set(key, p);
    }
    const data = e.args?.data as { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] } | undefined;
    for (const n of data?.cpuProfile?.nodes ?? []) p.nodes.set(n.id, n);
    const samples = data?.cpuProfile?.samples ?? [];
    const deltas = data?.timeDeltas ?? [];
    if (e.name === 'Profile') p.clockUs = (data as { startTime?: number } | undefined)?.startTime ?? e.ts;
    for (let i = 0; i < samples.length; i++) {
      p.clockUs += deltas[i] ?? 0;
      p.timeline.push([p.clockUs, samples[i]]);
    }
    // A sample's weight is the gap to the next one (the next delta); the last takes its own.
    for (let i = 0; i < samples.length; i++) {
      const w = deltas[i + 1] ?? deltas[i] ?? 0;
      p.self.set(samples[i], (p.self.get(samples[i]) ?? 0) + Math.max(0, w));
    }
  }
  const t0Us = Math.min(...[...profiles.values()].map((p) => p.timeline[0]?.[0] ?? Infinity));
  // --span NAME: only the samples inside the page's performance.measure spans of that name.
  const spanName = opt('--span');
  const windows: Array<[number, number]> = [];
  if (spanName) {
    const begins = new Map<string, number>();
    for (const e of marks) {
      if (e.name !== spanName) continue;
      if (e.ph === 'X') windows.push([e.ts, e.ts + (e.dur ?? 0)]);
      else if (e.ph === 'b') begins.set(String(e.id), e.ts);
      else if (begins.has(String(e.id))) windows.push([begins.get(String(e.id))!, e.ts]);
    }
  }
  const inSpan = (t: number): boolean => !spanName || windows.some(([a, b]) => t >= a && t < b);
  for (const p of profiles.values()) {
    if (spanName) {
      p.self.clear();
      let prev: number | null = null;
      for (const [t, id] of p.timeline) {
        if (prev !== null && inSpan(t)) p.self.set(id, (p.self.get(id) ?? 0) + (t - prev));
        prev = t;
      }
    }
    const byFn = new Map<string, number>();
    let total = 0;
    for (const [id, us] of p.self) {
      const n = p.nodes.get(id);
      const cf = n?.callFrame;
      const wasm = /^wasm-function\[(\d+)\]$/.exec(cf?.functionName ?? '');
      const where = wasm ? `wasm ${WASM_NAMES.get(Number(wasm[1])) ?? wasm[0]}` : cf ? `${cf.functionName || '(anonymous)'} ${(cf.url ?? '').split('/').pop() ?? ''}:${(cf.lineNumber ?? 0) + 1}` : `#${id}`;
      byFn.set(where, (byFn.get(where) ?? 0) + us);
      if (cf?.functionName !== '(idle)' && cf?.functionName !== '(program)') total += us;
    }
    if (total < 50_000) continue;
    // Busy share per 250 ms of the trace (profile clock, from the first sample of any thread).
    const bucketUs = 250_000;
    const busy = new Map<number, number>();
    let prev: [number, number] | null = null;
    for (const [t, id] of p.timeline) {
      const name = p.nodes.get(id)?.callFrame.functionName;
      if (prev && name !== '(idle)' && name !== '(program)') {
        const b = Math.floor((t - t0Us) / bucketUs);
        busy.set(b, (busy.get(b) ?? 0) + (t - prev[0]));
      }
      prev = [t, id];
    }
    const last = Math.max(0, ...busy.keys());
    const bar = Array.from({ length: last + 1 }, (_, b) => ' .:-=+*#%@'[Math.min(9, Math.round(((busy.get(b) ?? 0) / bucketUs) * 9))]).join('');
    console.log(`\n== ${threadName.get(p.thread) ?? p.thread}: ${(total / 1e6).toFixed(2)} s busy (JS + wasm + GC, sampled)`);
    console.log(`busy per 250 ms |${bar}|`);
    const rows = [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top);
    for (const [fn, us] of rows) console.log(`${(us / 1000).toFixed(0).padStart(8)} ms  ${fn}`);
  }
}

await main();
