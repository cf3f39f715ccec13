import { Document, HeadingLevel, ImageRun, Packer, Paragraph } from 'docx';
import { describe, expect, it } from 'vitest';
import { extractDocx } from '../../../../electron/rag/extract/docx';
import { png } from '../../../helpers/corpus';

const docx = (children: Paragraph[]): Promise<Buffer> => Packer.toBuffer(new Document({ sections: [{ children }] }));

describe('extractDocx', () => {
  it('reads the text with headings from Word styles: Title and Heading 1 to 3', async () => {
    const bytes = await docx([
      new Paragraph({ text: 'Field Guide', heading: HeadingLevel.TITLE }),
      new Paragraph({ text: 'Written for the spring survey.' }),
      new Paragraph({ text: 'Birds', heading: HeadingLevel.HEADING_1 }),
      new Paragraph({ text: 'Waders', heading: HeadingLevel.HEADING_2 }),
      new Paragraph({ text: 'The redshank nests in salt marsh.' }),
      new Paragraph({ text: 'Calls', heading: HeadingLevel.HEADING_3 }),
      new Paragraph({ text: 'A piping tew-hew-hew.' }),
    ]);
    const result = await extractDocx(bytes);
    if (!result.ok) throw new Error(result.reason);
    const { text, headings, pages } = result.value;
    expect(text).toBe(
      'Field Guide\n\nWritten for the spring survey.\n\nBirds\n\nWaders\n\nThe redshank nests in salt marsh.\n\nCalls\n\nA piping tew-hew-hew.',
    );
    expect(pages).toBeNull();
    expect(headings).toEqual([
      { level: 1, title: 'Field Guide', start: 0 },
      { level: 1, title: 'Birds', start: text.indexOf('Birds') },
      { level: 2, title: 'Waders', start: text.indexOf('Waders') },
      { level: 3, title: 'Calls', start: text.indexOf('Calls') },
    ]);
  });

  it('fails a truncated Word file as damaged', async () => {
    const bytes = await docx([new Paragraph({ text: 'Some text.' })]);
    const result = await extractDocx(bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    expect(result).toMatchObject({ ok: false, status: 'failed', reason: expect.stringMatching(/^damaged:/) });
  });

  it('fails a ZIP that holds no Word document as damaged', async () => {
    const notWord = await Packer.toBuffer(new Document({ sections: [{ children: [] }] }));
    // Rename word/document.xml inside the archive (same length), so mammoth finds no document.
    const renamed = Buffer.from(notWord.toString('latin1').replaceAll('word/document.xml', 'word/documenX.xml'), 'latin1');
    const result = await extractDocx(renamed);
    expect(result).toMatchObject({ ok: false, status: 'failed', reason: expect.stringMatching(/^damaged:/) });
  });

  it('fails an encrypted (OLE) Office file, saying to save it without a password', async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]);
    expect(await extractDocx(ole)).toMatchObject({
      ok: false,
      status: 'failed',
      reason: expect.stringMatching(/^encrypted or an old Word format/),
    });
  });

  it('fails a Word file with only an image, saying it has no text', async () => {
    const bytes = await docx([
      new Paragraph({ children: [new ImageRun({ type: 'png', data: png(8, 8), transformation: { width: 8, height: 8 } })] }),
    ]);
    expect(await extractDocx(bytes)).toMatchObject({ ok: false, status: 'failed', reason: expect.stringMatching(/^no text/) });
  });
});
