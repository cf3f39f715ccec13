import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { call, isConnected, onConnection } from '../api/client';
import { queryKeys } from '../api/queryKeys';
import { useMainEvents } from '../api/useMainEvents';
import { ChatParams } from '../features/chat/ChatParams';
import { ChatView } from '../features/chat/ChatView';
import { collectionsNav, openCollections, useCollectionsNav } from '../features/collections/collectionsNav';
import { CollectionsView } from '../features/collections/CollectionsView';
import { ConnectionsView } from '../features/connections/ConnectionsView';
import { ConversationList } from '../features/conversations/ConversationList';
import { useAppShortcuts } from '../features/conversations/shortcuts';
import { modelsDirOf } from '../features/models/common/library';
import { DropNotice, DropOverlay } from '../features/models/drop/DropNotice';
import { useModelDrop } from '../features/models/drop/useModelDrop';
import { EngineStatus } from '../features/models/EngineStatus';
import { ModelPicker } from '../features/models/ModelPicker';
import { ModelsView } from '../features/models/ModelsView';
import { MODELS_SHORTCUT, useModelsShortcut } from '../features/models/useModelsShortcut';
import { useView, viewStore } from '../features/models/viewStore';
import { NoticeBanners } from '../features/notices/NoticeBanners';
import { CompareHost } from '../features/router/CompareDialog';
import { RoutePicker } from '../features/router/RoutePicker';
import { SettingsPanel } from '../features/settings/SettingsPanel';
import { useTheme } from './useTheme';

const SELECTED_KEY = 'hearth.conversation';

export function App() {
  useMainEvents();
  const [conversationId, setConversationId] = useState<string | null>(() => sessionStorage.getItem(SELECTED_KEY));
  const [connected, setConnected] = useState(isConnected());
  const [settingsOpen, setSettingsOpen] = useState(false);
  const settingsButton = useRef<HTMLButtonElement>(null);
  useEffect(() => onConnection(setConnected), []);
  useAppShortcuts(() => {
    setConversationId(null);
    const wasHidden = viewStore.get().view !== 'chat' || collectionsNav.get().open;
    viewStore.set({ view: 'chat' });
    const focus = (): void => document.querySelector<HTMLTextAreaElement>('[data-testid="composer-input"]')?.focus();
    // A hidden composer takes no focus: wait for the chat to be shown.
    if (wasHidden) requestAnimationFrame(focus);
    else focus();
  });
  useEffect(() => {
    if (conversationId) sessionStorage.setItem(SELECTED_KEY, conversationId);
    else sessionStorage.removeItem(SELECTED_KEY);
  }, [conversationId]);

  const info = useQuery({ queryKey: queryKeys.appInfo, queryFn: () => call('app:getInfo') });
  const engine = useQuery({ queryKey: queryKeys.engine, queryFn: () => call('engine:get') });
  const settings = useQuery({ queryKey: queryKeys.settings, queryFn: () => call('settings:get') });
  useTheme(settings.data?.theme);
  useModelsShortcut();
  const view = useView();
  const collections = useCollectionsNav();
  // The Collections view lies over the chat/models store (collectionsNav.ts): one of three fills the main area.
  const main = collections.open ? 'collections' : view.view;
  const drop = useModelDrop(modelsDirOf(info.data, settings.data));
  const mac = navigator.platform.startsWith('Mac');
  const testModel = engine.data?.status === 'ready' && engine.data.model.isTestModel;

  return (
    <div className="app">
      <aside className="sidebar">
        <div className="brand">
          <span className="logo" aria-hidden="true" />
          Hearth
        </div>
        <ConversationList
          selectedId={conversationId}
          onSelect={(id) => {
            setConversationId(id);
            viewStore.set({ view: 'chat' });
          }}
        />
      </aside>
      <main className="main">
        <header className="topbar">
          <ModelPicker info={info.data} engine={engine.data} settings={settings.data} />
          <EngineStatus state={engine.data} />
          <RoutePicker conversationId={conversationId} settings={settings.data} onConversation={setConversationId} />
          <ChatParams conversationId={conversationId} settings={settings.data} />
          <button
            type="button"
            className="button button-ghost models-button"
            data-testid="models-open"
            aria-pressed={main === 'models'}
            aria-keyshortcuts={MODELS_SHORTCUT.aria}
            title={`The model manager (${mac ? MODELS_SHORTCUT.mac : MODELS_SHORTCUT.other})`}
            onClick={() => viewStore.set({ view: main === 'models' ? 'chat' : 'models' })}
          >
            Models
          </button>
          <button
            type="button"
            className="button button-ghost models-button"
            data-testid="collections-open"
            aria-pressed={main === 'collections'}
            title="Collections: your documents for the chat to answer from"
            onClick={() => (main === 'collections' ? collectionsNav.close() : openCollections())}
          >
            Collections
          </button>
          <button
            type="button"
            className="button button-ghost models-button"
            data-testid="connections-open"
            aria-pressed={main === 'connections'}
            title="Connections: the API server for your other tools, remote providers, and where answers ran"
            onClick={() => {
              collectionsNav.close();
              viewStore.set({ view: main === 'connections' ? 'chat' : 'connections' });
            }}
          >
            Connections
          </button>
          <button
            type="button"
            className="button button-ghost settings-button"
            data-testid="settings-open"
            ref={settingsButton}
            aria-expanded={settingsOpen}
            onClick={() => setSettingsOpen((o) => !o)}
          >
            Settings
          </button>
        </header>
        {settingsOpen && settings.data && (
          <SettingsPanel
            settings={settings.data}
            onClose={() => {
              setSettingsOpen(false);
              // Focus goes back where it came from.
              settingsButton.current?.focus();
            }}
          />
        )}
        {!connected && (
          <div className="banner banner-error" role="alert">
            Lost the connection to Hearth. Reconnecting…
          </div>
        )}
        <NoticeBanners notices={info.data?.notices} />
        {(testModel || info.data?.demo) && (
          <div className="banner banner-warn" data-testid="test-model-banner">
            {testModel
              ? 'This is a random-weights test model: it writes noise, not answers. '
              : 'Demo mode: the models here are random-weights test models. '}
            Put a real GGUF model in {modelsDirOf(info.data, settings.data) ?? 'the models folder'} to chat for real.
          </div>
        )}
        <DropNotice notice={drop.notice} onDismiss={drop.dismiss} />
        {main === 'models' && <ModelsView tab={view.tab} info={info.data} settings={settings.data} engine={engine.data} />}
        {main === 'connections' && <ConnectionsView />}
        {main === 'collections' && <CollectionsView info={info.data} settings={settings.data} />}
        {/* Kept while the model manager or collections are open, so a draft and the scroll position are still there on return. */}
        <ChatView
          hidden={main !== 'chat'}
          conversationId={conversationId}
          onConversation={setConversationId}
          engine={engine.data}
          settings={settings.data}
        />
      </main>
      <DropOverlay dragging={drop.dragging} />
      <CompareHost settings={settings.data} />
    </div>
  );
}
