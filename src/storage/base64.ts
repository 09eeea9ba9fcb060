/** Bytes encoded per `btoa` call: a multiple of 3, so the pieces concatenate into valid base64. */
const SLICE = 3 * 8192;

/** Base64 of a typed array's bytes (platform byte order, little-endian in every browser). */
export function toBase64(view: ArrayBufferView): string {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += SLICE) {
    parts.push(btoa(String.fromCharCode(...bytes.subarray(i, i + SLICE))));
  }
  return parts.join('');
}

/** Bytes of a base64 string (inverse of {@link toBase64}). */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
