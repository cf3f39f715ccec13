import { useEffect, useId, useRef, useState } from 'react';
import type { AnswerTarget } from '../../../shared/api';
import type { Message } from '../../../shared/types';
import { call } from '../../api/client';
import { useDismiss } from '../collections/useDismiss';
import { elsewhereOptions } from './targets';
import { useTargets } from './useTargets';
import './router.css';

interface Props {
  message: Message;
  onError: (error: string | null) => void;
}

/**
 * "Run elsewhere" under an answer: the other places it could have been written (this machine's models, the
 * enabled remote models), one click each. The new answer is a version beside this one (chat:regenerate with a
 * target); main refuses to send a private or document chat out, and that refusal is shown as it says it.
 */
export function RunElsewhere({ message, onError }: Props) {
  const [open, setOpen] = useState(false);
  const [up, setUp] = useState(false);
  const wrap = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menuId = useId();
  useDismiss(open, wrap, button, () => setOpen(false));
  const run = (target: AnswerTarget): void => {
    setOpen(false);
    onError(null);
    call('chat:regenerate', { messageId: message.id, target }).catch((e: unknown) => onError(e instanceof Error ? e.message : String(e)));
  };
  return (
    <span className="run-elsewhere" ref={wrap}>
      <button
        ref={button}
        type="button"
        className="message-action"
        data-testid="run-elsewhere"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => {
          if (!open) setUp(roomAbove(button.current));
          setOpen((o) => !o);
        }}
      >
        Run elsewhere
      </button>
      {open && <ElsewhereMenu id={menuId} up={up} message={message} onRun={run} />}
    </span>
  );
}

/** How tall the menu may grow (CSS caps its list), to choose the side it opens on. */
const MENU_PX = 240;

/**
 * Whether the menu opens upwards: when the chat's scroller has more room above the button than below and not
 * enough below. A message's layout containment keeps the menu out of the scroller's scrollable area, so a menu
 * opened past its bottom edge could not be scrolled to.
 */
function roomAbove(button: HTMLElement | null): boolean {
  if (!button) return false;
  const at = button.getBoundingClientRect();
  const box = button.closest('.messages')?.getBoundingClientRect() ?? { top: 0, bottom: window.innerHeight };
  const below = box.bottom - at.bottom;
  return below < MENU_PX && at.top - box.top > below;
}

function ElsewhereMenu({ id, up, message, onRun }: { id: string; up: boolean; message: Message; onRun: (t: AnswerTarget) => void }) {
  const { options, ready } = useTargets();
  const others = elsewhereOptions(options, message.route, message.model);
  const menu = useRef<HTMLDivElement>(null);
  // The first place takes the focus once the places are known, so the keyboard goes on from here (Tab, Enter;
  // Escape closes).
  useEffect(() => {
    if (ready) menu.current?.querySelector('button')?.focus();
  }, [ready]);
  return (
    <div
      id={id}
      ref={menu}
      className={up ? 'run-elsewhere-menu run-elsewhere-menu-up' : 'run-elsewhere-menu'}
      data-testid="run-elsewhere-menu"
    >
      <p className="run-elsewhere-title">Write this answer again on</p>
      {!ready && <p className="muted small-text">Finding the models…</p>}
      {ready && others.length === 0 && (
        <p className="muted small-text" data-testid="run-elsewhere-none">
          Nowhere else: add another model, or add and enable a remote provider in Connections.
        </p>
      )}
      <ul>
        {others.map((o) => (
          <li key={o.key}>
            <button type="button" className="run-elsewhere-option" data-target-kind={o.target.kind} onClick={() => onRun(o.target)}>
              {o.label}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
