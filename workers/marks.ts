/**
 * User-timing marks the page and its workers make for the tools that watch them: npm run bench
 * (scripts/page-measure.ts) and the e2e tests. One definition, so a renamed mark cannot leave a
 * watcher waiting for a name nobody makes any more.
 */

/** On the page's timeline: the kernels' warm-up has handed its compiled module to the pool (src/client/analysis-client.ts). */
export const WARM_MARK = 'kernels: warm';

/** On a worker's timeline: it is reading a segment of a split file (workers/segments.ts), as `${READING_SEGMENT_MARK} <start frame>`. */
export const READING_SEGMENT_MARK = 'reading segment';
