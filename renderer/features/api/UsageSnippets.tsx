import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { CopyButton } from './CopyButton';
import { apiModelId } from '../../../shared/api';
import { MODEL_PLACEHOLDER, usageSnippets } from './snippets';

/** How to call the server from a shell, Node or Python, with this server's address (the key stays in an environment variable). */
export function UsageSnippets({ baseUrl }: { baseUrl: string }) {
  // The top bar keeps the engine's state in this cache: the loaded model is the one to name.
  const engine = useQuery({ queryKey: queryKeys.engine, queryFn: () => call('engine:get') });
  const model = engine.data?.status === 'ready' ? apiModelId(engine.data.model.path) : null;
  const snippets = usageSnippets(baseUrl, model);
  const [open, setOpen] = useState<(typeof snippets)[number]['id']>('curl');
  const shown = snippets.find((s) => s.id === open) ?? snippets[0]!;
  return (
    <section className="api-card" aria-labelledby="api-usage-heading">
      <h3 id="api-usage-heading" className="api-subheading">
        How to use it
      </h3>
      <p className="api-note">
        Put the key in the <code>HEARTH_API_KEY</code> environment variable.{' '}
        {model ? (
          <>
            <code>{model}</code> is the model loaded now; <code>/v1/models</code> lists the others you can name.
          </>
        ) : (
          <>
            Name a model that <code>/v1/models</code> lists in place of <code>{MODEL_PLACEHOLDER}</code>.
          </>
        )}
      </p>
      <fieldset className="api-snippet-picks">
        <legend className="sr-only">Example</legend>
        {snippets.map((s) => (
          <button
            key={s.id}
            type="button"
            className="button button-small button-ghost"
            aria-pressed={s.id === open}
            data-testid={`api-usage-${s.id}`}
            onClick={() => setOpen(s.id)}
          >
            {s.label}
          </button>
        ))}
      </fieldset>
      <div className="api-snippet">
        <pre data-testid="api-usage-code" aria-label={`${shown.label} example`}>
          <code>{shown.code}</code>
        </pre>
        <CopyButton text={shown.code} what={`the ${shown.label} example`} testId="api-usage-copy" />
      </div>
    </section>
  );
}
