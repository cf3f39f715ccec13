/** A text file's characters, or why its bytes are not text. */
export type DecodedText = { ok: true; text: string } | { ok: false; reason: string };

const BINARY = 'binary: the file holds binary data, not text';

/**
 * Decodes a file that should be text (Markdown, plain text, HTML, CSV, code), refusing one that is binary whatever its
 * name says (a `.md` that is really an image or an archive).
 *
 * - A byte-order mark decides: UTF-8, or UTF-16 (whose ASCII has a NUL in every other byte, so it is checked first).
 * - Otherwise a NUL byte, or more than 2% of control bytes other than tab, newline, form feed, carriage return and
 *   escape, marks the file binary: text in any 8-bit encoding has neither.
 * - Valid UTF-8 is UTF-8. Bytes that are not valid UTF-8 are read as Windows-1252 (the usual "ANSI" text from
 *   Windows) when few of them are high bytes; binary data is about half high bytes, accented Western text a few
 *   percent. Over 30% of high bytes in invalid UTF-8 reads as binary.
 *
 * Line endings become `\n`, so offsets mean the same whatever system wrote the file.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (hasPrefix(bytes, [0xef, 0xbb, 0xbf])) return utf8(bytes.subarray(3));
  if (hasPrefix(bytes, [0xff, 0xfe])) return utf16(new TextDecoder('utf-16le').decode(bytes.subarray(2)));
  if (hasPrefix(bytes, [0xfe, 0xff])) return utf16(new TextDecoder('utf-16be').decode(bytes.subarray(2)));
  let control = 0;
  let high = 0;
  for (const b of bytes) {
    if (b === 0) return { ok: false, reason: BINARY };
    if (b >= 0x80) high++;
    else if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) || b === 0x7f) control++;
  }
  if (control > bytes.length * 0.02) return { ok: false, reason: BINARY };
  const asUtf8 = utf8(bytes);
  if (asUtf8.ok) return asUtf8;
  if (high > bytes.length * 0.3) return { ok: false, reason: BINARY };
  return decoded(windows1252(bytes));
}

/** What Windows-1252 puts at 0x80-0x9F, where Latin-1 has control characters (0 where it has none either). */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0, 0x2018, 0x2019,
  0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

/**
 * Node 20's TextDecoder reads the label 'windows-1252' as Latin-1 (the euro sign and curly quotes come out as
 * control characters), so the 32 bytes where the two differ are mapped here.
 */
function windows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\x80-\x9f]/g, (c) => {
    const mapped = CP1252_HIGH[c.charCodeAt(0) - 0x80];
    return mapped ? String.fromCharCode(mapped) : c;
  });
}

function utf8(bytes: Uint8Array): DecodedText {
  try {
    return decoded(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch {
    return { ok: false, reason: BINARY };
  }
}

/** Binary data can start with what looks like a UTF-16 mark: the same control-character test, on characters. */
function utf16(text: string): DecodedText {
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return { ok: false, reason: BINARY };
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d && c !== 0x1b) || c === 0x7f || c === 0xfffd) control++;
  }
  return control > text.length * 0.02 ? { ok: false, reason: BINARY } : decoded(text);
}

const decoded = (text: string): DecodedText => ({ ok: true, text: text.replace(/\r\n?/g, '\n') });

function hasPrefix(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}
