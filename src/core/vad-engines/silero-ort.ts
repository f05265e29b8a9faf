/**
 * Silero v5 on onnxruntime-web: the tensors the model wants, in one place for Node and the worker.
 * The caller imports `onnxruntime-web/wasm`, points it at the wasm binary (Node: the file's bytes;
 * page: a URL on its own origin) and passes the namespace and the model bytes here; the core only
 * refers to ort's types.
 */
import type * as Ort from 'onnxruntime-web/wasm';
import { SILERO_CONTEXT, SILERO_RATE_HZ, SILERO_WINDOW, type SileroModel } from './silero';

export async function sileroModelFromOrt(ort: typeof Ort, modelBytes: Uint8Array): Promise<SileroModel> {
  const session = await ort.InferenceSession.create(modelBytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(SILERO_RATE_HZ)]), []);
  const dims = [1, SILERO_CONTEXT + SILERO_WINDOW];
  return {
    async step(input, state) {
      const out = await session.run({
        input: new ort.Tensor('float32', input.slice(), dims),
        state: new ort.Tensor('float32', state, [2, 1, 128]),
        sr,
      });
      const probability = (out.output.data as Float32Array)[0];
      const next = out.stateN.data as Float32Array;
      return { probability, state: next };
    },
  };
}
