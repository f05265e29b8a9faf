/**
 * Asset URLs Vite emits for the VAD engines (served from the app's own origin), declared for both
 * the worker project (no vite/client types there) and the app project (which type-imports the api).
 */
declare module '@echogarden/fvad-wasm/fvad.wasm?url' {
  const url: string;
  export default url;
}
declare module 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url' {
  const url: string;
  export default url;
}
declare module '@ricky0123/vad-web/dist/silero_vad_v5.onnx?url' {
  const url: string;
  export default url;
}
