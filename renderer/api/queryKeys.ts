export const queryKeys = {
  appInfo: ['appInfo'] as const,
  conversations: ['conversations'] as const,
  search: (q: string) => ['conversations', 'search', q] as const,
  conversation: (id: string) => ['conversation', id] as const,
  /** Prefix of every `conversation(id)` key. */
  anyConversation: ['conversation'] as const,
  models: ['models'] as const,
  engine: ['engine'] as const,
  settings: ['settings'] as const,
  /** The model manager: the Hub, the catalog, downloads, fit and the machine. */
  catalog: (commercialOnly: boolean) => ['catalog', commercialOnly] as const,
  hubSearch: (query: string, commercialOnly: boolean, kind: string) => ['hub', 'search', query, commercialOnly, kind] as const,
  hubFiles: (repo: string, contextSize: number) => ['hub', 'files', repo, contextSize] as const,
  /** Prefix of every `hubFiles` key: the library changed, so their `downloaded` marks may have. */
  anyHubFiles: ['hub', 'files'] as const,
  hubToken: ['hub', 'token'] as const,
  downloads: ['downloads'] as const,
  machine: ['machine'] as const,
  fit: (path: string, contextSize: number | null) => ['fit', path, contextSize] as const,
  anyFit: ['fit'] as const,
  /** Document Q&A: the collections, one collection's documents, a conversation's attached collections. */
  collections: ['collections'] as const,
  collectionDocuments: (id: string) => ['collections', 'documents', id] as const,
  /** Prefix of every `collectionDocuments` key. */
  anyCollectionDocuments: ['collections', 'documents'] as const,
  conversationCollections: (id: string) => ['conversationCollections', id] as const,
  anyConversationCollections: ['conversationCollections'] as const,
  documentView: (documentId: string, charStart: number, charEnd: number) => ['documentView', documentId, charStart, charEnd] as const,
  /** The API server, remote providers and routing. */
  apiStatus: ['api', 'status'] as const,
  apiLog: ['api', 'log'] as const,
  providers: ['providers'] as const,
  secretStore: ['providers', 'secretStore'] as const,
  routing: (conversationId: string) => ['routing', conversationId] as const,
  anyRouting: ['routing'] as const,
  routeLog: ['routeLog'] as const,
};
