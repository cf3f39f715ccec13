import { describe, expect, it } from 'vitest';
import { decodeText } from '../../../../electron/rag/extract/decodeText';
import { png } from '../../../helpers/corpus';

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('decodeText', () => {
  it('reads UTF-8 as UTF-8 and turns CRLF and CR line endings into LF', () => {
    expect(decodeText(bytes('Crème brûlée\r\nline two\rthree'))).toEqual({ ok: true, text: 'Crème brûlée\nline two\nthree' });
  });

  it('drops a UTF-8 byte-order mark', () => {
    expect(decodeText(bytes([0xef, 0xbb, 0xbf], 'hello'))).toEqual({ ok: true, text: 'hello' });
  });

  it('reads UTF-16 in either byte order when the file starts with its mark', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Grüße\r\n', 'utf16le')]);
    const be = Buffer.from([0xfe, 0xff, 0x00, 0x48, 0x00, 0x69]);
    expect(decodeText(le)).toEqual({ ok: true, text: 'Grüße\n' });
    expect(decodeText(be)).toEqual({ ok: true, text: 'Hi' });
  });

  it('reads bytes that are not UTF-8 but look like Western text as Windows-1252', () => {
    // "café – 20 €" as Windows-1252: é = E9, en dash = 96, euro = 80.
    expect(decodeText(bytes('caf', [0xe9], ' ', [0x96], ' 20 ', [0x80]))).toEqual({ ok: true, text: 'café – 20 €' });
  });

  it('calls a file with a NUL byte binary', () => {
    expect(decodeText(bytes('text', [0], 'more text'))).toEqual({ ok: false, reason: expect.stringMatching(/^binary:/) });
  });

  it('calls an image binary, whatever it is named', () => {
    expect(decodeText(png(16, 16))).toMatchObject({ ok: false, reason: expect.stringMatching(/^binary:/) });
  });

  it('calls bytes with many control characters binary even without a NUL', () => {
    const noisy = Buffer.alloc(1000, 0x41);
    for (let i = 0; i < 1000; i += 20) noisy[i] = 0x01;
    expect(decodeText(noisy).ok).toBe(false);
    // Tabs, form feeds and escape sequences (coloured logs) are text.
    expect(decodeText(bytes('a\tb\fc \x1b[31mred\x1b[0m'))).toEqual({ ok: true, text: 'a\tb\fc \x1b[31mred\x1b[0m' });
  });

  it('calls invalid UTF-8 that is mostly high bytes binary', () => {
    const high = Buffer.alloc(1000);
    for (let i = 0; i < high.length; i++) high[i] = i % 2 === 0 ? 0xc3 : 0x41 + (i % 20);
    expect(decodeText(high).ok).toBe(false);
  });

  it('calls a UTF-16 mark followed by binary data binary', () => {
    expect(decodeText(Buffer.from([0xff, 0xfe, 0x01, 0x00, 0x02, 0x00, 0x41, 0x00])).ok).toBe(false);
  });
});
