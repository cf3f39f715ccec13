import { openModels } from '../viewStore';
import type { DropNotice as Notice } from './useModelDrop';

/** The outline while a file is dragged over the window. */
export function DropOverlay({ dragging }: { dragging: boolean }) {
  if (!dragging) return null;
  return (
    <div className="drop-overlay" aria-hidden="true">
      <span>Drop a .gguf file to add it to the library</span>
    </div>
  );
}

/** What came of a drop: added, refused, or (in a browser) how to add the file instead. */
export function DropNotice({ notice, onDismiss }: { notice: Notice | null; onDismiss: () => void }) {
  if (!notice) return null;
  return (
    <div
      className={`banner ${notice.kind === 'added' ? 'banner-ok' : 'banner-warn'}`}
      role={notice.kind === 'added' ? 'status' : 'alert'}
      data-testid="drop-notice"
    >
      {notice.message}{' '}
      <button
        type="button"
        className="button button-small button-ghost"
        onClick={() => {
          onDismiss();
          openModels('library');
        }}
      >
        Open the library
      </button>{' '}
      <button type="button" className="button button-small button-ghost" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
