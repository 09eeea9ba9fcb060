/**
 * Compiles an embedded base64 WebAssembly module, or returns null where this runtime cannot run it
 * (no WebAssembly, or no SIMD / bulk memory). Callers keep a plain-JS path for null.
 */
export function compileEmbeddedWasm(base64: string): WebAssembly.Module | null {
  try {
    if (typeof WebAssembly !== 'object') return null;
    const bin = atob(base64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}
