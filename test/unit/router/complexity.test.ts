import { describe, expect, it } from 'vitest';
import { complexityOf } from '../../../electron/router/complexity';

const DEFAULT_THRESHOLD = 0.5;

describe('complexityOf', () => {
  it('scores small talk and short factual questions near zero, with no cues', () => {
    for (const text of ['hi', 'Thanks!', 'What is the capital of France?', 'How do I light a wood stove?']) {
      const c = complexityOf(text);
      expect(c.score, text).toBeLessThan(0.2);
      expect(c.cues, text).toEqual([]);
    }
  });

  it('sends a fenced code block over the default threshold on its own', () => {
    const c = complexityOf('Why does this throw?\n```ts\nconst x = items.map((i) => i.id);\n```');
    expect(c.score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    expect(c.cues[0]).toBe('code');
  });

  it('counts code-like identifiers in prose, less than a block', () => {
    const c = complexityOf('My parseConfig() returns null when read_file fails, why?');
    expect(c.cues).toContain('code');
    expect(c.score).toBeGreaterThan(0.2);
    expect(c.score).toBeLessThan(complexityOf('```\nparseConfig()\n```').score + 0.01);
  });

  it('sees maths in words and in symbols', () => {
    expect(complexityOf('Prove that the integral of x^2 from 0 to 1 is 1/3.').cues).toContain('math');
    expect(complexityOf('Simplify \\frac{a}{b} + \\sqrt{c}').cues).toContain('math');
    // A sum a child would do is maths, but not complex.
    expect(complexityOf('What is 2 + 2?').score).toBeLessThan(DEFAULT_THRESHOLD);
  });

  it('sees multi-step asks: "step by step", "first ... then", numbered asks', () => {
    expect(complexityOf('Explain step by step how a chimney draws.').cues).toContain('several steps');
    expect(complexityOf('First clean the glass, then check the gasket.').cues).toContain('several steps');
    expect(complexityOf('Please:\n1. list the parts\n2. price them\n3. order them').cues).toContain('several steps');
    expect(complexityOf('Is it safe?').cues).not.toContain('several steps');
  });

  it('grows with length, and a long multi-step question passes the default threshold', () => {
    const long = 'I want to understand how my stove works in detail. '.repeat(30);
    expect(complexityOf(long).cues).toContain('long');
    expect(complexityOf(long).score).toBeGreaterThan(complexityOf('How does my stove work?').score);
    const c = complexityOf(`${long}\nFirst explain the airflow, then compare it step by step with a gas fire.`);
    expect(c.score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    expect(c.cues).toEqual(expect.arrayContaining(['long', 'several steps']));
  });

  it('stays within 0..1 however much a message piles up, and lists the strongest cue first', () => {
    const everything = `${'word '.repeat(400)}\n\`\`\`js\nfunction f() { return a && b; }\n\`\`\`\nProve the theorem step by step, first this then that.\n1. a\n2. b`;
    const c = complexityOf(everything);
    expect(c.score).toBe(1);
    expect(c.cues).toHaveLength(4);
    expect(c.cues[0]).toBe('code');
  });
});
