import { describe, expect, it } from 'vitest';
import { matchExpression, parseQuery, toMatchExpression } from '../../../electron/chat/searchQuery';

describe('search queries', () => {
  it('makes every word a quoted term, so user text is never read as FTS5 syntax', () => {
    expect(toMatchExpression('NEAR(a b) OR x* AND -y ^z col:w ')).toBe('"near a" "b" "or" "x" "and" "y" "z" "col w"');
    expect(toMatchExpression('"unclosed')).toBe('"unclosed"');
    expect(toMatchExpression('  *** "" () ')).toBeNull();
  });

  it('keeps quoted words, and chunks such as node-llama-cpp, together as phrases', () => {
    expect(parseQuery('"context shift" node-llama-cpp snake_case ').phrases).toEqual([
      ['context', 'shift'],
      ['node', 'llama', 'cpp'],
      ['snake', 'case'],
    ]);
  });

  it('treats only a last single word of three letters or more, with no space after it, as still being typed', () => {
    expect(parseQuery('split oak').typing).toBe(true);
    expect(parseQuery('split oa').typing).toBe(false);
    expect(parseQuery('split oak ').typing).toBe(false);
    expect(parseQuery('"split oak"').typing).toBe(false);
    expect(parseQuery('node-llama').typing).toBe(false);
    expect(toMatchExpression('split oak')).toBe('"split" "oak"*');
  });

  it('lowercases, keeps letters of every script with their marks, and reads at most 12 phrases', () => {
    expect(parseQuery('Crème BRÛLÉE नमस्ते ').phrases).toEqual([['crème'], ['brûlée'], ['नमस्ते']]);
    expect(parseQuery(`${'w '.repeat(30)}`).phrases).toHaveLength(12);
    expect(matchExpression([['a'], ['b', 'c']], true)).toBe('"a" "b c"*');
  });
});
