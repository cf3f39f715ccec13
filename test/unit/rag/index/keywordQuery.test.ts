import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../electron/db/open';
import { keywordQuery } from '../../../../electron/rag/index/keywordQuery';

describe('keywordQuery', () => {
  it('ORs the question’s words, each quoted, and drops the words every passage has', () => {
    expect(keywordQuery('What is the refund window for a stove?')).toEqual({
      match: '"refund" OR "window" OR "stove"',
      phrases: [['refund'], ['window'], ['stove']],
      terms: ['refund', 'window', 'stove'],
    });
  });

  it('keeps a quoted phrase whole, reads joined words as words, and folds case and repeats', () => {
    expect(keywordQuery('"Cast Iron" node-llama-cpp IRON iron')).toEqual({
      match: '"cast iron" OR "node" OR "llama" OR "cpp" OR "iron"',
      phrases: [['cast', 'iron'], ['node'], ['llama'], ['cpp'], ['iron']],
      terms: ['cast', 'iron', 'node', 'llama', 'cpp'],
    });
    expect(keywordQuery('"unclosed phrase').match).toBe('"unclosed phrase"');
  });

  it('searches for the common words when there is nothing else, and for nothing when there is no word', () => {
    expect(keywordQuery('Who is it?').match).toBe('"who" OR "is" OR "it"');
    expect(keywordQuery(' ?! ** "" ')).toEqual({ match: null, phrases: [], terms: [] });
  });

  it('keeps letters of every script, numbers and accents', () => {
    expect(keywordQuery('Kamin 暖炉 café 2024').match).toBe('"kamin" OR "暖炉" OR "café" OR "2024"');
  });

  it('sends at most 24 terms', () => {
    const q = keywordQuery(Array.from({ length: 40 }, (_, i) => `word${i}`).join(' '));
    expect(q.match!.split(' OR ')).toHaveLength(24);
  });

  it('makes an expression FTS5 accepts for any text (2,000 random strings of its syntax characters)', () => {
    const { db } = openDatabase(':memory:');
    const match = db.prepare('SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?').pluck();
    const alphabet = [
      '"',
      "'",
      '(',
      ')',
      '*',
      '^',
      ':',
      '-',
      '+',
      'NEAR',
      'AND',
      'OR',
      'NOT',
      'text',
      ' ',
      'a',
      'é',
      '{',
      '}',
      '\u0000',
      '🔥',
      '\\',
    ];
    let seed = 1;
    const random = (): number => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const refused: string[] = [];
    let searched = 0;
    for (let n = 0; n < 2000; n++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const { match: expression } = keywordQuery(text);
      if (!expression) continue;
      searched++;
      try {
        match.get(expression);
      } catch (error) {
        refused.push(`${JSON.stringify(text)}: ${String(error)}`);
      }
    }
    db.close();
    expect(refused).toEqual([]);
    expect(searched).toBeGreaterThan(1000);
  });
});
