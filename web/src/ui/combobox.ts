import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from '../html.ts';

export type Option = { id: number; label: string };

/** The options whose label holds every typed term (spaces or "/" between terms), at most 12. */
export function filterOptions(text: string, options: Option[], except: (o: Option) => boolean = () => false): Option[] {
  const terms = text
    .trim()
    .split(/\s+|\//)
    .filter(Boolean);
  return options.filter((o) => !except(o) && terms.every((term) => o.label.includes(term))).slice(0, 12);
}

/** ↑/↓ in a combobox: opens the list, then moves the highlighted option. True when the key was one of them. */
export function moveActive(e: KeyboardEvent, open: boolean, setOpen: (o: boolean) => void, setActive: (f: (a: number) => number) => void, count: number) {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return false;
  e.preventDefault();
  if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1));
  else if (!open) setOpen(true);
  else setActive((a) => Math.min(count - 1, a + 1));
  return true;
}

/**
 * An accessible combobox (ARIA 1.2 list autocomplete): type to filter, ↑/↓ to move, Enter or Tab to pick,
 * Esc to close. Enter on an open list picks and never submits the surrounding form.
 */
export function Combobox(props: {
  id: string;
  label: string;
  options: Option[];
  value: number | null;
  onChange: (id: number | null) => void;
  required?: boolean;
  placeholder?: string;
  hint?: string;
}) {
  const { id, options, value, onChange } = props;
  const labelOf = (v: number | null) => options.find((o) => o.id === v)?.label ?? '';
  const [text, setText] = useState(labelOf(value));
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  useEffect(() => {
    if (value !== null && labelOf(value) !== text) setText(labelOf(value));
  }, [value, options]);
  const matches = useMemo(() => filterOptions(text, options), [text, options]);
  const pick = (o: Option) => {
    setText(o.label);
    setOpen(false);
    onChange(o.id);
  };
  const listId = `${id}-list`;
  const activeOpt = open ? matches[active] : undefined;
  const onKeyDown = (e: KeyboardEvent) => {
    if (moveActive(e, open, setOpen, setActive, matches.length)) return;
    if (e.key === 'Enter' && open && activeOpt) {
      e.preventDefault();
      e.stopPropagation();
      pick(activeOpt);
    } else if (e.key === 'Tab' && open && activeOpt && value === null && text.trim()) {
      pick(activeOpt);
    } else if (e.key === 'Escape' && open) {
      e.stopPropagation();
      setOpen(false);
    }
  };
  return html`<div class="combobox">
    <label for=${id}>${props.label}${props.required ? html`<span aria-hidden="true"> *</span>` : null}</label>
    <input
      id=${id}
      type="text"
      role="combobox"
      autocomplete="off"
      aria-autocomplete="list"
      aria-expanded=${open && matches.length > 0 ? 'true' : 'false'}
      aria-controls=${listId}
      aria-activedescendant=${activeOpt ? `${id}-opt-${activeOpt.id}` : undefined}
      aria-required=${props.required ? 'true' : undefined}
      aria-describedby=${props.hint ? `${id}-hint` : undefined}
      placeholder=${props.placeholder}
      value=${text}
      data-open=${open ? 'true' : 'false'}
      onInput=${(e: Event) => {
        const v = (e.target as HTMLInputElement).value;
        setText(v);
        setOpen(true);
        setActive(0);
        const exact = options.find((o) => o.label === v);
        onChange(exact ? exact.id : null);
      }}
      onKeyDown=${onKeyDown}
      onBlur=${() => setOpen(false)}
    />
    ${props.hint ? html`<small id=${`${id}-hint`} class="hint">${props.hint}</small>` : null}
    <ul id=${listId} role="listbox" aria-label=${props.label} class="options" hidden=${!(open && matches.length > 0)}>
      ${
        open
          ? matches.map(
              (o, i) => html`<li
              id=${`${id}-opt-${o.id}`}
              role="option"
              aria-selected=${i === active ? 'true' : 'false'}
              class=${i === active ? 'active' : ''}
              onMouseDown=${(e: MouseEvent) => {
                e.preventDefault();
                pick(o);
              }}
            >
              ${o.label}
            </li>`,
            )
          : null
      }
    </ul>
  </div>`;
}
