/** One benchmark case in its own process: analyse the file as the CLI does, print time and peak RSS. */
import { analyzeFile } from '../src/cli/analyze-file';

const path = process.argv[2];
if (!path) throw new Error('usage: bench-child <file>');
const t0 = performance.now();
const result = await analyzeFile(path);
const sec = (performance.now() - t0) / 1000;
if (!result.ok) {
  console.error(`${result.error.code}: ${result.error.message}`);
  process.exit(1);
}
// resourceUsage().maxRSS is in KiB.
console.log(JSON.stringify({ sec, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
