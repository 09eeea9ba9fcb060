/**
 * The content hash of the version manifest: the first 16 hex digits of the SHA-256 of the bytes
 * (the same as `createHash('sha256')` in `hearth-recs offline-manifest`).
 */
export async function contentHash(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const byte of digest.subarray(0, 8)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
