import type { HighlighterCore } from 'shiki/core';

/** One highlighted piece of a line: its text, its colour in the light and the dark theme, and its font style bits. */
export interface CodeToken {
  text: string;
  light?: string;
  dark?: string;
  /** shiki's FontStyle bits: 1 italic, 2 bold, 4 underline. */
  style?: number;
}

/** A code block's lines, each a list of tokens; joined with `\n` they give back the code. */
export type CodeLines = CodeToken[][];

/**
 * The languages that get colours, each its own chunk loaded on first use; anything else shows as plain text.
 * A short list on purpose: every grammar is a download of its own (TypeScript's is 190 kB).
 */
const LANGS = {
  typescript: () => import('shiki/langs/typescript.mjs'),
  tsx: () => import('shiki/langs/tsx.mjs'),
  javascript: () => import('shiki/langs/javascript.mjs'),
  jsx: () => import('shiki/langs/jsx.mjs'),
  python: () => import('shiki/langs/python.mjs'),
  shellscript: () => import('shiki/langs/shellscript.mjs'),
  json: () => import('shiki/langs/json.mjs'),
  html: () => import('shiki/langs/html.mjs'),
  css: () => import('shiki/langs/css.mjs'),
  sql: () => import('shiki/langs/sql.mjs'),
  rust: () => import('shiki/langs/rust.mjs'),
  go: () => import('shiki/langs/go.mjs'),
  java: () => import('shiki/langs/java.mjs'),
  c: () => import('shiki/langs/c.mjs'),
  cpp: () => import('shiki/langs/cpp.mjs'),
  yaml: () => import('shiki/langs/yaml.mjs'),
  diff: () => import('shiki/langs/diff.mjs'),
} as const;

export type LangName = keyof typeof LANGS;

const ALIASES: Record<string, LangName> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  node: 'javascript',
  py: 'python',
  python3: 'python',
  sh: 'shellscript',
  bash: 'shellscript',
  zsh: 'shellscript',
  shell: 'shellscript',
  console: 'shellscript',
  jsonc: 'json',
  json5: 'json',
  htm: 'html',
  xml: 'html',
  rs: 'rust',
  golang: 'go',
  h: 'c',
  'c++': 'cpp',
  cc: 'cpp',
  hpp: 'cpp',
  cxx: 'cpp',
  yml: 'yaml',
  patch: 'diff',
};

/** The grammar for a fence's language name (`ts`, `Python`, `c++`), or null for plain text. */
export function resolveLang(name: string | undefined): LangName | null {
  if (!name) return null;
  const key = name.trim().toLowerCase();
  if (Object.hasOwn(LANGS, key)) return key as LangName;
  return Object.hasOwn(ALIASES, key) ? ALIASES[key]! : null;
}

const THEMES = { light: 'github-light', dark: 'github-dark' } as const;
/** Lines longer than this stay plain: a minified blob would cost seconds for nothing. */
const MAX_LINE = 2000;

let core: Promise<HighlighterCore> | undefined;
const loaded = new Map<LangName, Promise<void>>();

function highlighter(): Promise<HighlighterCore> {
  core ??= (async () => {
    const [{ createHighlighterCore }, { createJavaScriptRegexEngine }] = await Promise.all([
      import('shiki/core'),
      import('shiki/engine/javascript'),
    ]);
    // The JavaScript engine, not Oniguruma: the page's CSP allows no WebAssembly.
    return createHighlighterCore({
      engine: createJavaScriptRegexEngine({ forgiving: true }),
      themes: [import('shiki/themes/github-light.mjs'), import('shiki/themes/github-dark.mjs')],
      langs: [],
    });
  })();
  return core;
}

/** Highlights `code` as `lang` in both themes at once. */
export async function tokenize(code: string, lang: LangName): Promise<CodeLines> {
  const h = await highlighter();
  let ready = loaded.get(lang);
  if (!ready) {
    ready = LANGS[lang]().then((m) => h.loadLanguage(m.default));
    loaded.set(lang, ready);
  }
  await ready;
  const lines = h.codeToTokensWithThemes(code, { lang, themes: THEMES, tokenizeMaxLineLength: MAX_LINE });
  return lines.map((line) =>
    line.map((t) => {
      const token: CodeToken = { text: t.content };
      const light = t.variants.light;
      const dark = t.variants.dark;
      if (light?.color) token.light = light.color;
      if (dark?.color) token.dark = dark.color;
      const style = Math.max(0, light?.fontStyle ?? 0) | Math.max(0, dark?.fontStyle ?? 0);
      if (style > 0) token.style = style;
      return token;
    }),
  );
}
