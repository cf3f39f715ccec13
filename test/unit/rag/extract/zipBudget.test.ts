import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkZipBudget } from '../../../../electron/rag/extract/zipBudget';

interface Entry {
  name: string;
  data: Buffer;
  /** Store instead of deflate. */
  stored?: boolean;
  /** The unpacked size the headers claim (a zip bomb lies). */
  claimedSize?: number;
}

/** A ZIP archive written by hand: local headers and data, the central directory, its end record. */
function zip(entries: Entry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const body = e.stored ? e.data : deflateRawSync(e.data);
    const size = e.claimedSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(e.stored ? 0 : 8, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.stored ? 0 : 8, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const all = (): boolean => true;

describe('checkZipBudget', () => {
  it('passes an archive whose entries unpack within the budget', () => {
    const archive = zip([
      { name: 'word/document.xml', data: Buffer.alloc(10_000, 'a') },
      { name: 'stored.txt', data: Buffer.from('hello'), stored: true },
    ]);
    expect(checkZipBudget(archive, 20_000, all)).toBe('ok');
  });

  it('refuses an archive whose entries together unpack past the budget', () => {
    const archive = zip([
      { name: 'a.xml', data: Buffer.alloc(6000, 'a') },
      { name: 'b.xml', data: Buffer.alloc(6000, 'b') },
    ]);
    expect(checkZipBudget(archive, 10_000, all)).toBe('tooBig');
  });

  it('stops a zip bomb that claims a small size at the budget', () => {
    // 64 MB of zeros deflates to about 64 kB; the headers say 100 bytes.
    const archive = zip([{ name: 'word/document.xml', data: Buffer.alloc(64 * 1024 * 1024), claimedSize: 100 }]);
    expect(archive.length).toBeLessThan(200_000);
    expect(checkZipBudget(archive, 1024 * 1024, all)).toBe('tooBig');
  });

  it('does not count the entries it is told to leave out', () => {
    const archive = zip([
      { name: 'word/media/image1.png', data: Buffer.alloc(50_000) },
      { name: 'word/document.xml', data: Buffer.from('<w:document/>') },
    ]);
    expect(checkZipBudget(archive, 1000, (name) => !name.startsWith('word/media/'))).toBe('ok');
  });

  it('calls bytes that are not a whole ZIP archive notZip', () => {
    const archive = zip([{ name: 'a.xml', data: Buffer.alloc(10_000, 'a') }]);
    expect(checkZipBudget(Buffer.from('plain text, no archive here'), 1000, all)).toBe('notZip');
    expect(checkZipBudget(archive.subarray(0, archive.length - 30), 100_000, all)).toBe('notZip');
    // Entry data cut short, directory intact: the inflate fails.
    const damaged = Buffer.from(archive);
    damaged.fill(0xff, 40, 60);
    expect(checkZipBudget(damaged, 100_000, all)).toBe('notZip');
  });
});
