import { type CSSProperties, memo, useEffect, useState } from 'react';
import { copyText } from './copyText';
import { useHighlight, visibleLines } from './highlighter';
import { type CodeToken, resolveLang } from './tokenize';

/**
 * A fenced code block: its language, a copy button, and the code, coloured once the highlighter has it (until
 * then, and for languages it does not know, plain text). The text is the same either way, so a block that is
 * still streaming only ever grows.
 */
export const CodeBlock = memo(function CodeBlock({ code, lang }: { code: string; lang: string | undefined }) {
  const grammar = resolveLang(lang);
  const { lines, rest } = visibleLines(code, useHighlight(code, grammar));
  return (
    <div className="md-code" data-testid="code-block" data-lang={lang ?? ''} data-highlighted={lines.length > 0 || undefined}>
      <div className="md-code-head">
        <span className="md-code-lang">{lang || 'text'}</span>
        <CopyButton text={code} />
      </div>
      <pre className="md-code-body">
        <code>
          {lines.map((line, i) => (
            <Line key={i} tokens={line} newline={i < lines.length - 1 || rest !== ''} />
          ))}
          {rest}
        </code>
      </pre>
    </div>
  );
});

const Line = memo(function Line({ tokens, newline }: { tokens: CodeToken[]; newline: boolean }) {
  return (
    <>
      {tokens.map((t, i) => (
        <span key={i} className={fontClass(t.style)} style={tokenStyle(t)}>
          {t.text}
        </span>
      ))}
      {newline && '\n'}
    </>
  );
});

/** Both themes' colours ride on the token; the stylesheet picks one with `light-dark()`, so a theme switch needs no render. */
function tokenStyle(t: CodeToken): CSSProperties | undefined {
  if (!t.light && !t.dark) return undefined;
  const style: Record<string, string> = {};
  if (t.light) style['--hl'] = t.light;
  if (t.dark) style['--hd'] = t.dark;
  return style as CSSProperties;
}

function fontClass(style: number | undefined): string | undefined {
  if (!style) return undefined;
  const names = [style & 1 ? 'hl-i' : '', style & 2 ? 'hl-b' : '', style & 4 ? 'hl-u' : ''].filter(Boolean);
  return names.join(' ') || undefined;
}

function CopyButton({ text }: { text: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = (): void => {
    void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'));
  };
  return (
    <>
      <button type="button" className="md-copy" data-testid="copy-code" data-state={state} onClick={copy}>
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
        {state === 'idle' && <span className="sr-only"> code</span>}
      </button>
      <output className="sr-only">{state === 'copied' ? 'Copied to the clipboard' : state === 'failed' ? 'Could not copy' : ''}</output>
    </>
  );
}
