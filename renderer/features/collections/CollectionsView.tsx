import { useEffect, useRef } from 'react';
import type { AppInfo, Settings } from '../../../shared/types';
import { CollectionDetail } from './CollectionDetail';
import { CollectionList } from './CollectionList';
import { collectionsNav, useCollectionsNav } from './collectionsNav';
import { CreateCollection } from './CreateCollection';
import { EmbeddingModelPicker } from './EmbeddingModelPicker';
import { useCollections } from './useCollections';

interface Props {
  info: AppInfo | undefined;
  settings: Settings | undefined;
}

/**
 * Document Q&A's home: the embedding model, the collections (each a set of folders and files, indexed in the
 * background on this machine), and one collection in detail. Nothing here leaves the machine.
 */
export function CollectionsView({ info, settings }: Props) {
  const nav = useCollectionsNav();
  const collections = useCollections();
  const list = collections.data ?? [];
  const selected = list.find((c) => c.id === nav.selectedId) ?? list[0] ?? null;
  // Opening the view puts the keyboard in it, as the model manager does.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="models-view collections-view" aria-labelledby="collections-heading" data-testid="collections-view">
      <div className="models-top collections-top">
        <h2 className="collections-heading" id="collections-heading" tabIndex={-1} ref={heading}>
          Collections
        </h2>
        <button
          type="button"
          className="button button-ghost button-small"
          onClick={() => collectionsNav.close()}
          data-testid="collections-close"
        >
          Back to the chat
        </button>
      </div>
      <div className="models-panel">
        <div className="collections-body">
          <p className="muted small-text collections-intro">
            Folders and files the chat can answer from, with the passages it used. They are read, indexed and searched on this machine;
            nothing leaves it.
          </p>
          <EmbeddingModelPicker settings={settings} />
          <div className="collections-layout">
            <div className="collections-nav">
              <CreateCollection />
              {collections.error && (
                <p className="models-error" role="alert">
                  Could not list the collections: {collections.error.message}
                </p>
              )}
              {collections.data && list.length === 0 && (
                <p className="muted small-text" data-testid="collections-empty">
                  No collections yet. Name one above, then add a folder of documents to it.
                </p>
              )}
              {list.length > 0 && <CollectionList collections={list} selectedId={selected?.id ?? null} />}
            </div>
            {selected && <CollectionDetail key={selected.id} collection={selected} info={info} />}
          </div>
        </div>
      </div>
    </section>
  );
}
