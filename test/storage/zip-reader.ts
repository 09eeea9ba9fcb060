import { crc32 } from '../../src/storage/zip-archive';

/**
 * The files of a stored (uncompressed) zip archive, read through its central directory; throws
 * on anything else or on a CRC mismatch, so a test reads exactly what an unzip tool would.
 */
export async function readStoredZip(blob: Blob): Promise<Map<string, Uint8Array>> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 22;
  if (end < 0 || view.getUint32(end, true) !== 0x06054b50) throw new Error('Not a zip archive.');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const files = new Map<string, Uint8Array>();
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new Error('Bad central directory.');
    if (view.getUint16(at + 10, true) !== 0) throw new Error('Compressed entry.');
    const crc = view.getUint32(at + 16, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    if (view.getUint32(local, true) !== 0x04034b50) throw new Error(`Bad local header: ${name}`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = bytes.subarray(start, start + size);
    if (crc32([data]) !== crc) throw new Error(`CRC mismatch: ${name}`);
    files.set(name, data);
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return files;
}

/** A file of the archive as UTF-8 text (throws when absent). */
export function zipText(files: Map<string, Uint8Array>, name: string): string {
  const data = files.get(name);
  if (!data) throw new Error(`No ${name} in the archive: ${[...files.keys()].join(', ')}`);
  return new TextDecoder().decode(data);
}
