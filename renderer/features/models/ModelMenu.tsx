// A listbox on purpose, not a <select>: a select loads each model the arrow keys pass over. Keys belong to the
// listbox (aria-activedescendant); an option is only ever clicked.
/* oxlint-disable jsx-a11y/prefer-tag-over-role, jsx-a11y/click-events-have-key-events */
import { useId, useRef, useState, type KeyboardEvent } from 'react';

export interface MenuOption {
  value: string;
  label: string;
}

interface Props {
  id: string;
  options: MenuOption[];
  value: string;
  placeholder: string;
  onOpen: () => void;
  onSelect: (value: string) => void;
}

/**
 * The model picker's menu: a button that opens a listbox (the ARIA menu-button pattern). Arrow keys only move
 * the highlight; a model loads on Enter or a click, never while the user passes over it, as a <select> would.
 */
export function ModelMenu({ id, options, value, placeholder, onOpen, onSelect }: Props) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  const listId = useId();
  const current = options.find((o) => o.value === value);

  const show = (at: number): void => {
    onOpen();
    setActive(Math.max(0, at));
    setOpen(true);
  };
  const close = (focusButton: boolean): void => {
    setOpen(false);
    if (focusButton) button.current?.focus();
  };
  const pick = (option: MenuOption | undefined): void => {
    close(true);
    if (option) onSelect(option.value);
  };
  const onButtonKey = (e: KeyboardEvent<HTMLButtonElement>): void => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      show(current ? options.indexOf(current) : 0);
    }
  };
  const onListKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const last = options.length - 1;
    const moves: Record<string, number> = { ArrowDown: Math.min(last, active + 1), ArrowUp: Math.max(0, active - 1), Home: 0, End: last };
    if (e.key in moves) {
      e.preventDefault();
      setActive(moves[e.key]!);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      pick(options[active]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close(true);
    } else if (e.key === 'Tab') {
      close(false);
    }
  };

  return (
    <div className="model-menu">
      <button
        ref={button}
        type="button"
        id={id}
        className="model-menu-button"
        data-testid="model-picker"
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        aria-label={`Model: ${current?.label ?? placeholder}`}
        onClick={() => (open ? close(false) : show(current ? options.indexOf(current) : 0))}
        onKeyDown={onButtonKey}
      >
        <span className="model-menu-label">{current?.label ?? placeholder}</span>
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div
          id={listId}
          role="listbox"
          aria-label="Models"
          tabIndex={-1}
          className="model-menu-list"
          data-testid="model-menu"
          aria-activedescendant={`${listId}-${active}`}
          ref={(el) => el?.focus()}
          onKeyDown={onListKey}
          onBlur={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget) && e.relatedTarget !== button.current) setOpen(false);
          }}
        >
          {options.map((o, i) => (
            <div
              key={o.value}
              id={`${listId}-${i}`}
              role="option"
              tabIndex={-1}
              aria-selected={o.value === value}
              className={i === active ? 'active' : undefined}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(o)}
            >
              {o.label}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
