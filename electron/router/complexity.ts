/** What made a message look complex, in words for the reason under the answer. */
export type ComplexityCue = 'long' | 'code' | 'math' | 'several steps';

export interface Complexity {
  /** 0 (a greeting) .. 1 (a long, multi-part coding or maths task). */
  score: number;
  /** The cues that counted, strongest first. */
  cues: ComplexityCue[];
}

/**
 * How much a message asks of a model, 0..1, from what can be seen without running one: its length, code, maths and
 * multi-step cues. Auto routing sends a message out when the score reaches the user's threshold (0.5 by default).
 * Each cue adds a weight and the sum is capped at 1, so one strong cue (a code block) or two moderate ones (a long
 * multi-step question) reach the default threshold, and small talk never does.
 */
export function complexityOf(text: string): Complexity {
  const found: { cue: ComplexityCue; weight: number }[] = [];
  const length = lengthWeight(text);
  if (length > 0) found.push({ cue: 'long', weight: length });
  const code = codeWeight(text);
  if (code > 0) found.push({ cue: 'code', weight: code });
  const math = mathWeight(text);
  if (math > 0) found.push({ cue: 'math', weight: math });
  const steps = stepsWeight(text);
  if (steps > 0) found.push({ cue: 'several steps', weight: steps });
  found.sort((a, b) => b.weight - a.weight);
  const sum = found.reduce((total, f) => total + f.weight, 0);
  return { score: Math.round(Math.min(1, sum) * 100) / 100, cues: found.map((f) => f.cue) };
}

/** Up to 0.4: nothing under 40 words, growing to the full weight at 300. */
function lengthWeight(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  if (words < 40) return 0;
  return 0.4 * Math.min(1, (words - 40) / 260);
}

const FENCE = /```|~~~/;
/** Calls, member chains, arrows, assignments, brackets, keywords: what prose rarely holds. */
const CODE_TOKENS = [
  /\b[A-Za-z_$][\w$]*\([^)]*\)/g,
  /\b[a-z]+[A-Z]\w*\b/g,
  /\b[a-z]+_[a-z_]+\b/g,
  /=>|->|::|===|!==|&&|\|\||\+=/g,
  /[{};]\s*$/gm,
  /\b(?:function|const|let|def|class|import|return|SELECT|FROM|WHERE|async|await|struct|fn|pub)\b/g,
];

/** 0.5 for a fenced block; else 0.15 a code-like token, up to 0.45. */
function codeWeight(text: string): number {
  if (FENCE.test(text)) return 0.5;
  const hits = CODE_TOKENS.reduce((n, re) => n + (text.match(re)?.length ?? 0), 0);
  return Math.min(0.45, 0.15 * hits);
}

const MATH_WORDS =
  /\b(?:prove|proof|derive|derivative|integral|integrate|equation|theorem|lemma|matrix|eigen\w*|probability|solve for|limit of|sum of)\b/gi;
const MATH_SYMBOLS = /\\(?:frac|int|sum|sqrt|lim|cdot)|[∫∑√≤≥≠∞π]|\$\$|\b\d+\s*[-+*/^=]\s*\d+|\b[a-z]\s*\^\s*\d|\b[a-z]\s*=\s*\d/gi;

/** 0.15 a maths word or symbol, up to 0.45. */
function mathWeight(text: string): number {
  const hits = (text.match(MATH_WORDS)?.length ?? 0) + (text.match(MATH_SYMBOLS)?.length ?? 0);
  return Math.min(0.45, 0.15 * hits);
}

const STEP_PHRASES =
  /\bstep[- ]by[- ]step\b|\bfirst\b[^.?!]*\bthen\b|\band then\b|\bafter that\b|\bfinally\b|\bcompare\b|\btrade-?offs?\b/gi;
const NUMBERED = /^\s*(?:\d+[.)]|[-*•])\s+\S/gm;

/** 0.3 a multi-step phrase, a numbered (or bulleted) list of two or more asks, or several questions; up to 0.45. */
function stepsWeight(text: string): number {
  let hits = text.match(STEP_PHRASES)?.length ?? 0;
  if ((text.match(NUMBERED)?.length ?? 0) >= 2) hits += 1;
  if ((text.match(/\?/g)?.length ?? 0) >= 3) hits += 1;
  return Math.min(0.45, 0.3 * hits);
}
