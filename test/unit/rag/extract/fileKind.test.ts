import { describe, expect, it } from 'vitest';
import { fileKindOf, SUPPORTED_EXTENSIONS } from '../../../../electron/rag/extract/fileKind';

describe('fileKindOf', () => {
  it('knows each format by its extension, in any case', () => {
    expect(fileKindOf('/a/Report.PDF')).toBe('pdf');
    expect(fileKindOf('/a/notes.docx')).toBe('docx');
    expect(fileKindOf('/a/README.md')).toBe('markdown');
    expect(fileKindOf('/a/log.txt')).toBe('text');
    expect(fileKindOf('/a/page.htm')).toBe('html');
    expect(fileKindOf('/a/data.tsv')).toBe('csv');
    expect(fileKindOf('/a/main.rs')).toBe('code');
  });

  it('knows code files by their whole name', () => {
    expect(fileKindOf('/a/Dockerfile')).toBe('code');
    expect(fileKindOf('/a/Makefile')).toBe('code');
  });

  it('returns null for what Hearth does not read', () => {
    expect(fileKindOf('/a/photo.jpeg')).toBeNull();
    expect(fileKindOf('/a/old.doc')).toBeNull();
    expect(fileKindOf('/a/LICENSE')).toBeNull();
  });

  it('lists every extension it reads', () => {
    expect(SUPPORTED_EXTENSIONS).toEqual(expect.arrayContaining(['.pdf', '.docx', '.md', '.txt', '.html', '.csv', '.py']));
    for (const ext of SUPPORTED_EXTENSIONS) expect(fileKindOf(`/a/file${ext}`)).not.toBeNull();
  });
});
