/** @echogarden/fvad-wasm ships no types: an Emscripten module factory (MODULARIZE, ES module). */
declare module '@echogarden/fvad-wasm' {
  const createFvad: (moduleArg?: {
    wasmBinary?: ArrayBuffer | Uint8Array;
    locateFile?: (path: string, scriptDirectory: string) => string;
  }) => Promise<import('../src/core/vad-engines/webrtc').FvadModule>;
  export default createFvad;
}
