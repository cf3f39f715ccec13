import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { ConversationItem } from './ConversationItem';

interface Props {
  selectedId: string | null;
  onSelect: (id: string | null) => void;
}

export function ConversationList({ selectedId, onSelect }: Props) {
  const [query, setQuery] = useState('');
  const q = query.trim();
  const all = useQuery({ queryKey: queryKeys.conversations, queryFn: () => call('conversations:list') });
  const found = useQuery({
    queryKey: queryKeys.search(q),
    queryFn: () => call('conversations:search', { query: q }),
    enabled: q.length > 0,
  });
  const list = q ? found.data : all.data;
  const qc = useQueryClient();
  // Main's conversations:changed event refreshes the list (useMainEvents); only the deleted chat's own cache goes here.
  const rename = async (id: string, title: string): Promise<void> => {
    await call('conversations:rename', { id, title });
  };
  const remove = async (id: string): Promise<void> => {
    await call('conversations:delete', { id });
    if (id === selectedId) onSelect(null);
    qc.removeQueries({ queryKey: queryKeys.conversation(id) });
  };
  return (
    <nav className="conversations" aria-label="Conversations">
      <button type="button" className="button button-primary new-chat" data-testid="new-chat" onClick={() => onSelect(null)}>
        New chat
      </button>
      <input
        className="search"
        type="search"
        placeholder="Search chats"
        aria-label="Search chats"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <ul>
        {list?.map((c) => (
          <ConversationItem
            key={c.id}
            conversation={c}
            selected={c.id === selectedId}
            onSelect={() => onSelect(c.id)}
            onRename={(title) => rename(c.id, title)}
            onDelete={() => remove(c.id)}
          />
        ))}
        {list?.length === 0 && <li className="muted small">{q ? 'No chat matches.' : 'No chats yet.'}</li>}
      </ul>
    </nav>
  );
}
