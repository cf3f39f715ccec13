import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';

interface Props {
  selectedId: string | null;
  onSelect: (id: string | null) => void;
}

export function ConversationList({ selectedId, onSelect }: Props) {
  const [query, setQuery] = useState('');
  const q = query.trim();
  const all = useQuery({ queryKey: queryKeys.conversations, queryFn: () => call('conversations:list') });
  const found = useQuery({ queryKey: queryKeys.search(q), queryFn: () => call('conversations:search', { query: q }), enabled: q.length > 0 });
  const list = q ? found.data : all.data;
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
          <li key={c.id}>
            <button
              type="button"
              data-testid="conversation-item"
              className={`conversation ${c.id === selectedId ? 'selected' : ''}`}
              onClick={() => onSelect(c.id)}
              title={c.title}
            >
              {c.title}
            </button>
          </li>
        ))}
        {list?.length === 0 && <li className="muted small">{q ? 'No chat matches.' : 'No chats yet.'}</li>}
      </ul>
    </nav>
  );
}
