import { describe, expect, it } from 'vitest';
import { extractCsv } from '../../../../electron/rag/extract/csv';

describe('extractCsv', () => {
  it('writes each row on a line, labelled with the header', () => {
    const text = 'name,year\nAda,1843\nGrace,1952\n';
    expect(extractCsv(text, false)).toEqual({
      text: 'name, year\nname: Ada; year: 1843\nname: Grace; year: 1952',
      pages: null,
      headings: [],
    });
  });

  it('keeps quoted delimiters, doubled quotes and line breaks inside one row', () => {
    const text = 'item,note\n"Kettle, large","says ""hot""\nwhen full"\n';
    expect(extractCsv(text, false).text).toBe('item, note\nitem: Kettle, large; note: says "hot" when full');
  });

  it('joins fields without labels when the first row is data', () => {
    expect(extractCsv('1,2,3\n4,5,6', false).text).toBe('1, 2, 3\n4, 5, 6');
    expect(extractCsv('a,a\nb,c', false).text).toBe('a, a\nb, c');
  });

  it('guesses semicolons and tabs as the delimiter, and reads .tsv as tabs', () => {
    expect(extractCsv('name;price\nTea;2,50\n', false).text).toBe('name, price\nname: Tea; price: 2,50');
    expect(extractCsv('name\tprice\nTea\t3\n', false).text).toBe('name, price\nname: Tea; price: 3');
    expect(extractCsv('1,5\t2\n3,5\t4\n', true).text).toBe('1,5, 2\n3,5, 4');
  });

  it('skips blank rows and leaves out empty values', () => {
    expect(extractCsv('name,city\n\nAda,\n,Paris\n', false).text).toBe('name, city\nname: Ada\ncity: Paris');
  });
});
