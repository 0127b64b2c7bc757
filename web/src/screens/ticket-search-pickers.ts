/**
 * The 工单查询 form's pickers and one-click views: a unit (with or without the units beneath it) and a category
 * (with its descendants, as the API filters them) chosen in searchable combo boxes from the reference data every
 * desk reads (GET /api/units, /api/categories), limited to what the role may filter on; and the suggested views
 * 我的超期 / 待我审核, saved as the user's views on first use so they stay in the navigation with their counts.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t, type MsgKey } from '../i18n.ts';
import { get, post, qs } from '../api.ts';
import { navigate } from '../router.ts';
import type { Category, Page, Role, SessionInfo, Unit } from '../types.ts';
import { announce, ErrorBox, lbl } from '../ui/common.ts';
import { Combobox, type Option } from '../ui/combobox.ts';
import { UNIT_ROLES } from '../../../src/contract/vocab.ts';
import { unitOptions } from './dispatch.ts';
import { refreshViews } from './ticket-views-nav.ts';

/** Units the user may filter on: every unit for the centre, the own unit and those beneath it for a unit. */
export function unitChoices(units: Unit[], user: SessionInfo['user']): Option[] {
  const own = units.find((u) => u.id === user.unit.id);
  const inScope = UNIT_ROLES.includes(user.role) ? units.filter((u) => !!own && u.path.startsWith(own.path)) : units;
  return unitOptions(inScope).flatMap((g) => g.items.map((u) => ({ id: u.id, label: `${u.label}（${lbl('unitKind', g.kind)}）` })));
}

/** Every category, any level, as "城市管理 / 市容环境" (a category filters with its descendants). */
export function categoryChoices(items: Category[]): Option[] {
  const byId = new Map(items.map((c) => [c.id, c]));
  const label = (c: Category): string => {
    const parent = c.parentId ? byId.get(c.parentId) : undefined;
    return parent ? `${label(parent)} / ${c.name}` : c.name;
  };
  return items.map((c) => ({ id: c.id, label: label(c) }));
}

export type Choices = { units: Option[]; categories: Option[] };

/** The pickers' options, loaded once per visit of the screen (a failure leaves a picker empty, the list still works). */
export function useChoices(session: SessionInfo): Choices {
  const [choices, setChoices] = useState<Choices>({ units: [], categories: [] });
  useEffect(() => {
    get<Page<Unit>>('/api/units').then(
      (r) => setChoices((c) => ({ ...c, units: unitChoices(r.items, session.user) })),
      () => {},
    );
    get<Page<Category>>('/api/categories').then(
      (r) => setChoices((c) => ({ ...c, categories: categoryChoices(r.items) })),
      () => {},
    );
  }, [session.user.id]);
  return choices;
}

const idOf = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : null);

/** Unit (含下级) and category inside the filter form: hidden inputs carry the ids into the address. */
export function UnitCategoryPickers({ filters, choices }: { filters: Record<string, string>; choices: Choices }) {
  const [unit, setUnit] = useState(idOf(filters.unitId));
  const [subtree, setSubtree] = useState(filters.subtree !== 'false');
  const [category, setCategory] = useState(idOf(filters.categoryId));
  return html`<div class="ts-picker">
      <${Combobox} id="ts-unit" label=${t('ts.unit')} options=${choices.units} value=${unit} onChange=${setUnit} placeholder=${t('ts.pickUnit')} />
      <input type="hidden" name="unitId" value=${unit ?? ''} />
    </div>
    <label class="check">
      <input id="ts-subtree" type="checkbox" checked=${subtree} onChange=${(e: Event) => setSubtree((e.target as HTMLInputElement).checked)} />
      ${t('ts.subtree')}
    </label>
    ${unit !== null && !subtree ? html`<input type="hidden" name="subtree" value="false" />` : null}
    <div class="ts-picker">
      <${Combobox} id="ts-category" label=${t('ts.category')} options=${choices.categories} value=${category} onChange=${setCategory} placeholder=${t('ts.pickCategory')} />
      <input type="hidden" name="categoryId" value=${category ?? ''} />
    </div>`;
}

type Suggested = { key: string; name: MsgKey; filters: Record<string, string>; roles: readonly Role[] };
/** 待我审核 only where the API's awaitingReview filter means something to decide: the centre's reviewer, and units. */
const SUGGESTED: Suggested[] = [
  {
    key: 'overdue',
    name: 'ts.suggest.overdue',
    filters: { overdue: 'true' },
    roles: ['operator', 'window_clerk', 'dispatcher', 'unit_handler', 'unit_leader', 'callback_agent', 'supervisor', 'admin'],
  },
  { key: 'review', name: 'ts.suggest.review', filters: { awaitingReview: 'true' }, roles: ['dispatcher', 'unit_handler', 'unit_leader'] },
];
const sameFilters = (a: Record<string, unknown>, b: Record<string, unknown>) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The suggested views for the role, one click each: the list opens with the view's filters, and unless the user
 * already has it (same filters or same name) it is saved as the user's view, so it shows in the navigation with its count.
 */
export function SuggestedViews({ role, filters }: { role: Role; filters: Record<string, string> }) {
  const [error, setError] = useState<unknown>(null);
  const offered = SUGGESTED.filter((s) => s.roles.includes(role));
  if (offered.length === 0) return null;
  const open = async (s: Suggested) => {
    const name = t(s.name);
    navigate(`/tickets${qs(s.filters)}`);
    try {
      const mine = (await get<{ items: { name: string; filters: Record<string, unknown> }[] }>('/api/views')).items;
      if (!mine.some((v) => v.name === name || sameFilters(v.filters, s.filters))) {
        await post('/api/views', { name, filters: s.filters });
        announce(t('ts.suggestAdded', { name }));
        refreshViews();
      }
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  return html`<div class="ts-bar ts-suggest" role="group" aria-labelledby="ts-suggest-h">
    <span id="ts-suggest-h">${t('ts.suggest')}</span>
    ${offered.map(
      (s) =>
        html`<button type="button" data-suggest=${s.key} aria-pressed=${sameFilters(filters, s.filters) ? 'true' : 'false'} onClick=${() => void open(s)}>
          ${t(s.name)}
        </button>`,
    )}
    <${ErrorBox} error=${error} />
  </div>`;
}
