import { useMemo, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { type Option, filterOptions, moveActive } from './combobox.ts';

/**
 * A searchable multi-select (the dispatch form's assisting units): type to filter, ↑/↓ to move, Enter to add
 * the highlighted option (Enter never submits the form while the list is open), Backspace in an empty box
 * removes the last chip, Esc closes. What is chosen shows as chips, each with its own remove button.
 */
export function MultiCombobox(props: { id: string; label: string; options: Option[]; value: number[]; onChange: (ids: number[]) => void; hint?: string }) {
  const { id, options, value, onChange } = props;
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const matches = useMemo(() => filterOptions(text, options, (o) => value.includes(o.id)), [text, options, value]);
  const chosen = value.map((v) => options.find((o) => o.id === v)).filter((o): o is Option => !!o);
  const add = (o: Option) => {
    onChange([...value, o.id]);
    setText('');
    setActive(0);
  };
  const remove = (v: number) => onChange(value.filter((x) => x !== v));
  const listId = `${id}-list`;
  const shown = open && matches.length > 0;
  const activeOpt = shown ? matches[Math.min(active, matches.length - 1)] : undefined;
  const onKeyDown = (e: KeyboardEvent) => {
    if (moveActive(e, open, setOpen, setActive, matches.length)) return;
    if (e.key === 'Enter' && activeOpt) {
      e.preventDefault();
      e.stopPropagation();
      add(activeOpt);
    } else if (e.key === 'Backspace' && !text && value.length > 0) {
      remove(value[value.length - 1]!);
    } else if (e.key === 'Escape' && open) {
      e.stopPropagation();
      setOpen(false);
    }
  };
  return html`<div class="combobox multi">
    <label for=${id}>${props.label}</label>
    ${
      chosen.length > 0
        ? html`<ul class="chips" aria-label=${t('picker.chosen', { label: props.label })}>
          ${chosen.map(
            (o) => html`<li class="chip" data-chip=${o.id}>
              ${o.label}
              <button type="button" class="chip-remove" aria-label=${t('picker.remove', { label: o.label })} onClick=${() => remove(o.id)}>×</button>
            </li>`,
          )}
        </ul>`
        : null
    }
    <input
      id=${id}
      type="text"
      role="combobox"
      autocomplete="off"
      aria-autocomplete="list"
      aria-expanded=${shown ? 'true' : 'false'}
      aria-controls=${listId}
      aria-activedescendant=${activeOpt ? `${id}-opt-${activeOpt.id}` : undefined}
      aria-describedby=${props.hint ? `${id}-hint` : undefined}
      placeholder=${t('picker.placeholder')}
      value=${text}
      data-open=${open ? 'true' : 'false'}
      onInput=${(e: Event) => {
        setText((e.target as HTMLInputElement).value);
        setOpen(true);
        setActive(0);
      }}
      onFocus=${() => setOpen(true)}
      onKeyDown=${onKeyDown}
      onBlur=${() => setOpen(false)}
    />
    ${props.hint ? html`<small id=${`${id}-hint`} class="hint">${props.hint}</small>` : null}
    <ul id=${listId} role="listbox" aria-label=${props.label} aria-multiselectable="true" class="options" hidden=${!shown}>
      ${
        shown
          ? matches.map(
              (o) => html`<li
              id=${`${id}-opt-${o.id}`}
              role="option"
              aria-selected="false"
              class=${o === activeOpt ? 'active' : ''}
              onMouseDown=${(e: MouseEvent) => {
                e.preventDefault();
                add(o);
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
