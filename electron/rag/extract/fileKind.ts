import { basename, extname } from 'node:path';

/** The formats Hearth reads; each has its own extractor. */
export type FileKind = 'pdf' | 'docx' | 'markdown' | 'text' | 'html' | 'csv' | 'code';

const BY_EXTENSION: Record<string, FileKind> = {
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdown': 'markdown',
  '.mkd': 'markdown',
  '.mdx': 'markdown',
  '.txt': 'text',
  '.text': 'text',
  '.log': 'text',
  '.rst': 'text',
  '.adoc': 'text',
  '.org': 'text',
  '.tex': 'text',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.csv': 'csv',
  '.tsv': 'csv',
};

/** Source code and configuration: read whole, as text. */
const CODE_EXTENSIONS = (
  '.ts .tsx .mts .cts .js .jsx .mjs .cjs .vue .svelte .py .pyi .rb .go .rs .java .kt .kts .scala ' +
  '.groovy .gradle .swift .dart .c .h .cc .cpp .cxx .hpp .hh .hxx .m .mm .cs .fs .vb .php .pl .pm .lua ' +
  '.r .jl .ex .exs .erl .hrl .hs .ml .mli .clj .elm .zig .nim .sh .bash .zsh .fish .ps1 .bat .cmd .sql ' +
  '.graphql .proto .css .scss .sass .less .json .jsonc .yaml .yml .toml .ini .cfg .conf .xml .cmake'
).split(' ');
for (const ext of CODE_EXTENSIONS) BY_EXTENSION[ext] = 'code';

/** Code files known by their whole name rather than an extension. */
const CODE_NAMES = new Set(['dockerfile', 'makefile', 'gnumakefile', 'cmakelists.txt', 'rakefile', 'gemfile', 'justfile']);

/** Every extension `extractFile` reads (lower case, with the dot), for a scanner that wants to list only those. */
export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(BY_EXTENSION);

/** What `path` holds, judged by its name; null for a type Hearth does not read (it is then skipped with a reason). */
export function fileKindOf(path: string): FileKind | null {
  const name = basename(path).toLowerCase();
  if (CODE_NAMES.has(name)) return 'code';
  return BY_EXTENSION[extname(name)] ?? null;
}
