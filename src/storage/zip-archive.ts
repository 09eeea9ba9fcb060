/** One file of a {@link buildZip} archive. */
export interface ZipEntry {
  /** Path inside the archive (`/`-separated, UTF-8). */
  readonly name: string;
  /** Contents, in pieces (written one after the other). */
  readonly parts: readonly Uint8Array[];
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (the zip polynomial) of `parts` taken as one byte string. */
export function crc32(parts: readonly Uint8Array[]): number {
  let crc = 0xffffffff;
  for (const bytes of parts) {
    for (let i = 0; i < bytes.length; i++) {
      crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
    }
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** MS-DOS date and time fields of `date` (local zip convention, 2-second resolution). */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

/**
 * A zip archive (stored, not compressed: every unzip tool and OS opens it) of `entries`, dated
 * `modified`. Limited to the classic format: under 65,535 entries and 4 GiB.
 */
export function buildZip(entries: readonly ZipEntry[], modified: Date): Blob {
  if (entries.length >= 0xffff) throw new RangeError('Too many files for a zip archive.');
  const encoder = new TextEncoder();
  const { time, date } = dosDateTime(modified);
  const pieces: BlobPart[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const size = entry.parts.reduce((sum, p) => sum + p.byteLength, 0);
    if (offset + size >= 0xffffffff)
      throw new RangeError('The export is too large for a zip archive.');
    const crc = crc32(entry.parts);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    writeCommon(local, 4, { crc, size, nameLength: name.length, time, date });
    pieces.push(local.buffer, name, ...(entry.parts as Uint8Array<ArrayBuffer>[]));
    const record = new DataView(new ArrayBuffer(46));
    record.setUint32(0, 0x02014b50, true);
    record.setUint16(4, 20, true); // Made by: version 2.0.
    writeCommon(record, 6, { crc, size, nameLength: name.length, time, date });
    record.setUint32(42, offset, true);
    central.push(new Uint8Array(record.buffer), name);
    offset += 30 + name.length + size;
  }
  const centralSize = central.reduce((sum, p) => sum + p.byteLength, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  return new Blob([...pieces, ...(central as Uint8Array<ArrayBuffer>[]), end.buffer], {
    type: 'application/zip',
  });
}

/** The fields local and central headers share, from "version needed" on. */
function writeCommon(
  view: DataView,
  at: number,
  f: { crc: number; size: number; nameLength: number; time: number; date: number },
): void {
  view.setUint16(at, 20, true); // Version needed: 2.0.
  view.setUint16(at + 2, 0x0800, true); // Names are UTF-8.
  view.setUint16(at + 4, 0, true); // Stored.
  view.setUint16(at + 6, f.time, true);
  view.setUint16(at + 8, f.date, true);
  view.setUint32(at + 10, f.crc, true);
  view.setUint32(at + 14, f.size, true);
  view.setUint32(at + 18, f.size, true);
  view.setUint16(at + 22, f.nameLength, true);
}
