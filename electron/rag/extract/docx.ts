import mammoth from 'mammoth';
import type { Extraction } from '../ports';
import { extractHtml, htmlRefusal } from './html';
import { extracted, failed, formatBytes, skipped } from './outcome';
import { checkZipBudget } from './zipBudget';

/** Unpacked XML a Word file may hold (its text, styles, lists); media are never unpacked. */
export const MAX_DOCX_XML_BYTES = 64 * 1024 * 1024;

/** Word's Title and Subtitle styles read as headings too (mammoth maps Heading 1-6 by itself). */
const STYLE_MAP = ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => h2:fresh"];

/** Images are not read: an empty `src` keeps them from being unpacked and inlined as base64 into the HTML. */
const NO_IMAGES = mammoth.images.imgElement(() => Promise.resolve({ src: '' }));

/** An encrypted Office file (and an old .doc) is an OLE compound file, not a ZIP. */
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/**
 * A Word document's text through mammoth, whose HTML keeps the headings that Word's styles mark (Heading 1-6,
 * Title); the HTML is then read like any page. Mammoth never follows links to files outside the document
 * (`externalFileAccess: false`), and the archive's XML is checked against a budget before mammoth unpacks it.
 */
export async function extractDocx(bytes: Buffer): Promise<Extraction> {
  if (bytes.subarray(0, 8).equals(OLE_MAGIC)) {
    return failed('encrypted or an old Word format: save it as a .docx without a password');
  }
  const budget = checkZipBudget(bytes, MAX_DOCX_XML_BYTES, (name) => !name.startsWith('word/media/') && !name.endsWith('/'));
  if (budget === 'notZip') return failed('damaged: the Word file cannot be read (it may be incomplete or corrupt)');
  if (budget === 'tooBig') return skipped(`too big: its text unpacks to over ${formatBytes(MAX_DOCX_XML_BYTES)}`);
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: bytes }, { styleMap: STYLE_MAP, convertImage: NO_IMAGES, externalFileAccess: false }))
      .value;
  } catch {
    return failed('damaged: the Word file cannot be read (it may be incomplete or corrupt)');
  }
  const refusal = htmlRefusal(html);
  if (refusal !== null) return skipped(refusal.replace('HTML elements', 'paragraphs, runs and table cells'));
  const value = extractHtml(html);
  if (value.text.trim() === '') return failed('no text: the Word file holds no text (Hearth does not read images yet)');
  return extracted(value);
}
