import { inflateRawSync } from 'node:zlib';

/** Whether a ZIP archive unpacks within a budget: `notZip` for bytes that are no (readable) ZIP. */
export type ZipBudget = 'ok' | 'tooBig' | 'notZip';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Inflates every entry that `keep` selects, stopping at `budget` bytes of output, before a library unpacks the
 * archive whole. A ZIP states each entry's unpacked size, but a zip bomb can lie about it, and JSZip (under mammoth)
 * checks the size only after inflating everything; zlib's `maxOutputLength` stops at the budget whatever the header
 * says. The output is thrown away: this costs one extra inflate of a document's XML, milliseconds for real files.
 */
export function checkZipBudget(bytes: Buffer, budget: number, keep: (name: string) => boolean): ZipBudget {
  const end = findEndOfCentralDirectory(bytes);
  if (end < 0) return 'notZip';
  const entries = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  let left = budget;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL) return 'notZip';
    const method = bytes.readUInt16LE(at + 10);
    const compressedSize = bytes.readUInt32LE(at + 20);
    const statedSize = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const localAt = bytes.readUInt32LE(at + 42);
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (!keep(name)) continue;
    if (statedSize > left) return 'tooBig';
    if (localAt + 30 > bytes.length || bytes.readUInt32LE(localAt) !== LOCAL) return 'notZip';
    const dataAt = localAt + 30 + bytes.readUInt16LE(localAt + 26) + bytes.readUInt16LE(localAt + 28);
    if (dataAt + compressedSize > bytes.length) return 'notZip';
    const data = bytes.subarray(dataAt, dataAt + compressedSize);
    if (method === 0) {
      left -= data.length;
    } else if (method === 8) {
      try {
        left -= inflateRawSync(data, { maxOutputLength: Math.max(1, left) }).length;
      } catch (error) {
        if (error instanceof RangeError) return 'tooBig';
        return 'notZip';
      }
    } else {
      return 'notZip';
    }
    if (left < 0) return 'tooBig';
  }
  return 'ok';
}

/** The end-of-central-directory record sits in the last 22 bytes plus an archive comment of up to 65,535. */
function findEndOfCentralDirectory(bytes: Buffer): number {
  for (let at = bytes.length - 22; at >= 0 && at >= bytes.length - 22 - 65_535; at--) {
    if (bytes.readUInt32LE(at) === EOCD) return at;
  }
  return -1;
}
