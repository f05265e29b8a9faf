/**
 * prefaultKernelMemory (alloc.c heap_prefault): a thread that waits touches the pages of its free
 * kernel memory, so the allocations after the wait do not fault on them. It must touch what it
 * says (each fresh page once), keep to its budget, and change no byte of the memory.
 */
import { describe, expect, it } from 'vitest';
import { kernels, prefaultKernelMemory } from '../../../src/core/kernels/runtime';

const PAGE = 4096;

describe('prefaultKernelMemory', () => {
  it('touches each never-touched free page once, within its budget', () => {
    const k = kernels();
    // 32 MB never touched (malloc reserves: the memory grows, nothing is written), then freed.
    // (Nothing here reads it before the prefault: a read would map the zero page, and the write after it fault again.)
    const fresh = k.allocUnzeroed(32 << 20);
    expect(fresh).toBeGreaterThan(0);
    k.exports.free(fresh);
    // The budget holds: one page asked, one page visited.
    expect(prefaultKernelMemory(PAGE)).toBe(PAGE);
    const faults0 = process.resourceUsage().minorPageFault;
    const visited = prefaultKernelMemory(1 << 30);
    const faults1 = process.resourceUsage().minorPageFault;
    expect(visited).toBeGreaterThanOrEqual(32 << 20);
    expect(visited).toBeLessThanOrEqual(k.exports.memory.buffer.byteLength);
    // Each fresh page of the 32 MB faulted once (a plain read, then a write, would fault twice
    // where the kernel maps the zero page on a read).
    const pages = (32 << 20) / PAGE;
    expect(faults1 - faults0).toBeGreaterThan(0.9 * pages);
    expect(faults1 - faults0).toBeLessThan(1.5 * pages);
    // Touched already: a second pass costs (almost) no faults, and neither does writing the pages
    // (where a read maps the zero page, a prefault that only read would leave every write to fault).
    prefaultKernelMemory(1 << 30);
    k.u8(fresh, 32 << 20).fill(0, 0, (32 << 20) - PAGE); // free memory, zero already
    expect(process.resourceUsage().minorPageFault - faults1).toBeLessThan(0.1 * pages);
  });

  it('changes no byte: free memory holding data, the free list, the blocks in use', () => {
    const k = kernels();
    const kept = k.allocUnzeroed(5 * PAGE + 24);
    const freed = k.allocUnzeroed(3 * PAGE + 100);
    const last = k.allocUnzeroed(7 * PAGE);
    for (const [at, n] of [[kept, 5 * PAGE + 24], [freed, 3 * PAGE + 100], [last, 7 * PAGE]]) {
      const v = k.u8(at, n);
      for (let i = 0; i < n; i++) v[i] = (i * 7 + at) & 0xff;
    }
    k.exports.free(freed);
    k.exports.free(last);
    const before = k.u8(0, k.exports.memory.buffer.byteLength).slice();
    expect(prefaultKernelMemory(1 << 30)).toBeGreaterThan(0);
    const after = k.u8(0, before.length);
    let differs = -1;
    for (let i = 0; i < before.length && differs < 0; i++) if (after[i] !== before[i]) differs = i;
    expect(differs).toBe(-1);
    // The allocator still hands out the same blocks (the free list is intact).
    expect(k.allocUnzeroed(3 * PAGE + 100)).toBe(freed);
    k.exports.free(kept);
  });
});
