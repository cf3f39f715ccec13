import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useRef, type RefObject } from 'react';
import type { Message } from '../../../shared/types';
import { MessageItem } from './MessageItem';

/** The scroller's top padding (styles.css `.messages`), where the list begins. */
const PADDING = 20;
/** The gap between messages, which the rows carry since they are positioned one by one. */
const GAP = 14;

interface Props {
  scroller: RefObject<HTMLDivElement | null>;
  messages: readonly Message[];
  /** The first message still in the model's view, when older ones had left it: the context marker goes above it. */
  viewStart: string | null;
  /** A message that must be in the DOM even when it is off screen (a search result about to be scrolled to). */
  keep: string | null;
}

/**
 * The chat's messages, only those on screen (and a few either side) in the DOM, each measured as it renders:
 * a 10,000-message chat costs what a short one does, and an answer streaming at the end re-lays out only itself.
 * When older messages are put in front, the scroll position moves by their height, so what the reader was
 * looking at stays where it was.
 */
export function VirtualMessages({ scroller, messages, viewStart, keep }: Props) {
  const keepIndex = keep ? messages.findIndex((m) => m.id === keep) : -1;
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      return keepIndex < 0 || indexes.includes(keepIndex) ? indexes : [...indexes, keepIndex].sort((a, b) => a - b);
    },
    [keepIndex],
  );
  // This app does not use the React Compiler, and nothing memoised is handed the virtualizer's functions.
  // oxlint-disable-next-line react/incompatible-library
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 180,
    getItemKey: (i) => messages[i]!.id,
    overscan: 6,
    scrollMargin: PADDING,
    rangeExtractor,
  });

  // Older messages were put in front of the ones shown: keep the reader's place.
  const first = useRef<string | undefined>(undefined);
  useLayoutEffect(() => {
    const was = first.current;
    first.current = messages[0]?.id;
    const el = scroller.current;
    if (!el || !was || was === messages[0]?.id) return;
    const k = messages.findIndex((m) => m.id === was);
    if (k <= 0) return;
    // getVirtualItems (in the render before this) measured the new rows.
    const all = virtualizer.measurementsCache;
    el.scrollTop += all[k]!.start - all[0]!.start;
  }, [messages, scroller, virtualizer]);

  const items = virtualizer.getVirtualItems();
  return (
    <div className="message-list" style={{ position: 'relative', flexShrink: 0, height: virtualizer.getTotalSize() }}>
      {items.map((row) => {
        const m = messages[row.index]!;
        return (
          <div
            key={row.key}
            data-index={row.index}
            ref={virtualizer.measureElement}
            style={{
              position: 'absolute',
              top: 0,
              left: 0,
              width: '100%',
              paddingBottom: row.index === messages.length - 1 ? 0 : GAP,
              transform: `translateY(${row.start - PADDING}px)`,
            }}
          >
            {m.id === viewStart && (
              <div className="context-marker" role="note" data-testid="context-marker">
                Messages above this line had left the model&apos;s view when it wrote its last answer
              </div>
            )}
            <div className="message-anchor" data-message-id={m.id}>
              <MessageItem message={m} />
            </div>
          </div>
        );
      })}
    </div>
  );
}
