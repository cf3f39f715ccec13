import type { ExtractedText } from '../ports';

/**
 * A CSV or TSV file as one line per row, so a passage never splits a row's fields from each other and a row that
 * lands in a later chunk still says what its values are: when the first row looks like a header (every field
 * filled, none a number, no two the same), each row reads "Name: Ada; Year: 1843"; otherwise its fields are joined
 * by ", ". Quoted fields may hold the delimiter, quotes ("") and line breaks (which become spaces).
 */
export function extractCsv(text: string, tabSeparated: boolean): ExtractedText {
  const delimiter = tabSeparated ? '\t' : guessDelimiter(text);
  const rows = parseRows(text, delimiter).filter((row) => row.some((field) => field.trim() !== ''));
  const header = rows.length >= 2 && looksLikeHeader(rows[0]!) ? rows[0]!.map((f) => f.trim()) : null;
  const lines = rows.map((row, r) => {
    const fields = row.map((f) => f.replace(/\s+/g, ' ').trim());
    if (!header || r === 0) return fields.join(', ');
    return fields
      .map((value, c) => (value === '' ? '' : header[c] ? `${header[c]}: ${value}` : value))
      .filter((part) => part !== '')
      .join('; ');
  });
  return { text: lines.join('\n'), pages: null, headings: [] };
}

/** The most frequent of `,`, `;` and tab outside quotes on the first line (Excel writes `;` where `,` is a decimal point). */
function guessDelimiter(text: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (let i = 0; i < text.length && i < 64 * 1024; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '\n') break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const [c, n] of counts) if (n > counts.get(best)!) best = c;
  return best;
}

function looksLikeHeader(row: string[]): boolean {
  const names = row.map((f) => f.trim());
  return names.every((n) => n !== '' && Number.isNaN(Number(n))) && new Set(names).size === names.length;
}

/** RFC 4180 rows, tolerant: a stray quote inside an unquoted field is kept as a character. One pass, no regex. */
function parseRows(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
      fieldStart = true;
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStart = true;
    } else {
      field += c;
      fieldStart = false;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
