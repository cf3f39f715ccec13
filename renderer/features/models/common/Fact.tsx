import type { ReactNode } from 'react';

/** One name and value of a description list, kept together so the pair wraps as one. */
export function Fact({ name, children, testId }: { name: string; children: ReactNode; testId?: string }) {
  return (
    <div className="fact">
      <dt>{name}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}
