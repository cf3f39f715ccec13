/** What a drop of files on the window comes to, before anything is sent: the GGUF files, and the rest by name. */
export interface DropPlan {
  gguf: File[];
  others: string[];
}

export const isGgufName = (name: string): boolean => name.toLowerCase().endsWith('.gguf');

export function planDrop(files: readonly Pick<File, 'name'>[]): { gguf: number[]; others: string[] } {
  const gguf: number[] = [];
  const others: string[] = [];
  files.forEach((f, i) => (isGgufName(f.name) ? gguf.push(i) : others.push(f.name)));
  return { gguf, others };
}

/** A drag that carries files (not text or a link from the page itself). */
export const carriesFiles = (types: readonly string[] | DOMStringList | undefined): boolean =>
  !!types && Array.from(types).includes('Files');
