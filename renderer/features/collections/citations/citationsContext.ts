import { createContext, useContext } from 'react';
import type { Citation } from '../../../../shared/rag';

export interface CitationsValue {
  /** The answer's sources, by their number. */
  citations: readonly Citation[];
  /** Opens the viewer at a source's passage. */
  open: (c: Citation) => void;
}

/** An answer's sources, for the [n] markers rendered deep inside its Markdown. None outside an answer. */
export const CitationsContext = createContext<CitationsValue | null>(null);

export function useCitation(n: number): { citation: Citation; open: (c: Citation) => void } | null {
  const value = useContext(CitationsContext);
  const citation = value?.citations.find((c) => c.n === n);
  return value && citation ? { citation, open: value.open } : null;
}
