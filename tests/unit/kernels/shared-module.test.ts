/**
 * The kernels of a realm from a module compiled in another (the page's warm-up worker hands its
 * module to the analysis workers: workers/warm-up.ts). A test file of its own: a realm's kernels
 * are instantiated once, and this one must not have instantiated them before the test.
 */
import { describe, expect, it } from 'vitest';
import { kernelModule, kernels, useKernelModule } from '../../../src/core/kernels/runtime';
import { KERNELS_WASM_BASE64 } from '../../../src/core/kernels/kernels.wasm';

const compile = (): object => new (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object } }).WebAssembly.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));

describe('useKernelModule', () => {
  it('instantiates the module handed over, only before the realm has kernels of its own, and only a module', () => {
    expect(useKernelModule({})).toBe(false);
    const handed = compile();
    expect(useKernelModule(handed)).toBe(true);
    const k = kernels();
    expect(kernelModule()).toBe(handed);
    // Its kernels work: ln of a few values, bit for bit Math.log's (src/core/kernels/c/log.c).
    const x = k.alloc(8 * 4);
    const values = [0.5, 3, 1e-300, 12345.678];
    k.f64(x, 4).set(values);
    k.exports.log_many(x, x, 4);
    expect(Array.from(k.f64(x, 4))).toEqual(values.map(Math.log));
    k.exports.free(x);
    // Too late now: the realm keeps the module its kernels came from.
    expect(useKernelModule(compile())).toBe(false);
    expect(kernelModule()).toBe(handed);
  });
});
