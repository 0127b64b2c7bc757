import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { get, post, qs, request } from '../api.ts';
import { shortTime } from '../format.ts';
import { linkClick, navigate, useLocation } from '../router.ts';
import type { Page, SessionInfo, TicketSummary, Unit } from '../types.ts';
import { Empty, ErrorBox, Panel, announce, lbl } from '../ui/common.ts';
import { TOPIC_STATUSES } from '../../../src/contract/vocab.ts';

type Named = { id: number; name: string } | null;
export type Topic = {
  id: number;
  title: string;
  description: string;
  status: string;
  version: number;
  ownerUnit: Named;
  category: Named;
  street: Named;
  source: { kind?: string; details?: Record<string, unknown> };
  ticketCount: number;
  createdAt: string;
  updatedAt: string;
  abilities: string[];
};
type TopicTicket = { id: number; number: string; title: string; status: string; categoryName: string; streetName: string | null; createdAt: string };
type TopicEvent = {
  id: number;
  type: string;
  actor: { name: string } | null;
  toStatus: string | null;
  note: string | null;
  payload: Record<string, unknown>;
  createdAt: string;
};
type FullTopic = Topic & { tickets: TopicTicket[]; events: TopicEvent[] };

/** A hotspot the wallboard hands over (sessionStorage) when a supervisor opens a topic from it. */
export type HotspotDraft = {
  title: string;
  description: string;
  categoryId?: number;
  streetUnitId?: number;
  source: { kind: string; details: Record<string, unknown> };
  ticketIds: number[];
};
export const DRAFT_KEY = 'jiesu.topicDraft';
export function openTopicFrom(draft: HotspotDraft) {
  try {
    sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
  } catch {
    /* storage unavailable: the form starts empty */
  }
  navigate('/governance?new=1');
}
function takeDraft(): HotspotDraft | null {
  try {
    const s = sessionStorage.getItem(DRAFT_KEY);
    sessionStorage.removeItem(DRAFT_KEY);
    return s ? (JSON.parse(s) as HotspotDraft) : null;
  } catch {
    return null;
  }
}

/** 未诉先办 governance topics: list, open one (from a hotspot), link tickets, move it along, note progress. */
export function Governance({ session }: { session: SessionInfo }) {
  const loc = useLocation();
  const canWrite = session.user.role === 'supervisor' || session.user.role === 'admin';
  const [status, setStatus] = useState('');
  const [items, setItems] = useState<Topic[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const selected = Number(loc.query.get('topic')) || null;
  const creating = loc.query.get('new') === '1' && canWrite;
  const reload = () =>
    get<Page<Topic>>(`/api/governance/topics${qs({ status: status || undefined, limit: 100 })}`).then((r) => (setItems(r.items), setError(null)), setError);
  useEffect(() => void reload(), [status, selected]);

  return html`<div class="governance">
    <h1 class="screen-title">${t('screen.governance')}</h1>
    <${ErrorBox} error=${error} />
    <div class="gov-grid">
      <${Panel} title=${t('gov.list')} id="gov-list">
        <label for="gov-status" class="inline-label">${t('gov.status')}</label>
        <select id="gov-status" value=${status} onChange=${(e: Event) => setStatus((e.target as HTMLSelectElement).value)}>
          <option value="">${t('gov.all')}</option>
          ${TOPIC_STATUSES.map((s) => html`<option value=${s}>${lbl('topicStatus', s)}</option>`)}
        </select>
        ${canWrite ? html`<a class="button small" href="/governance?new=1" onClick=${linkClick}>${t('gov.new')}</a>` : null}
        ${
          items === null
            ? html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`
            : items.length === 0
              ? html`<${Empty} text=${t('gov.empty')} />`
              : html`<ul class="list compact" data-testid="topic-list">
                ${items.map(
                  (x) => html`<li data-topic=${x.id}>
                    <a href=${`/governance?topic=${x.id}`} onClick=${linkClick} aria-current=${x.id === selected ? 'true' : undefined}>${x.title}</a>
                    <span class=${`badge topic-${x.status}`}>${lbl('topicStatus', x.status)}</span>
                    <span class="muted small">${t('gov.tickets', { n: x.ticketCount })}${x.street ? ` · ${x.street.name}` : ''}</span>
                  </li>`,
                )}
              </ul>`
        }
      <//>
      ${
        creating
          ? html`<${NewTopic} onCreated=${(id: number) => navigate(`/governance?topic=${id}`, { replace: true })} />`
          : selected
            ? html`<${TopicDetail} key=${selected} id=${selected} canWrite=${canWrite} onChange=${reload} />`
            : html`<${Panel} title=${t('gov.detail')}><${Empty} text=${t('gov.pick')} /><//>`
      }
    </div>
  </div>`;
}

function NewTopic({ onCreated }: { onCreated: (id: number) => void }) {
  const [draft] = useState<HotspotDraft | null>(takeDraft);
  const [title, setTitle] = useState(draft?.title ?? '');
  const [description, setDescription] = useState(draft?.description ?? '');
  const [ownerUnitId, setOwner] = useState<string>(draft?.streetUnitId ? String(draft.streetUnitId) : '');
  const [units, setUnits] = useState<Unit[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(
    () =>
      void get<Page<Unit>>('/api/units').then(
        (r) => setUnits(r.items.filter((u) => u.active && u.kind !== 'centre')),
        () => {},
      ),
    [],
  );
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const created = await post<FullTopic>('/api/governance/topics', {
        title,
        description,
        ...(ownerUnitId ? { ownerUnitId: Number(ownerUnitId) } : {}),
        ...(draft?.categoryId ? { categoryId: draft.categoryId } : {}),
        ...(draft?.streetUnitId ? { streetUnitId: draft.streetUnitId } : {}),
        source: draft?.source ?? { kind: 'manual' },
        ticketIds: draft?.ticketIds ?? [],
      });
      announce(t('gov.created', { title: created.title, n: created.ticketCount }));
      onCreated(created.id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Panel} title=${t('gov.new')} id="gov-new">
    ${draft ? html`<p class="muted small" data-testid="draft-note">${t('gov.fromHotspot', { n: draft.ticketIds.length })}</p>` : null}
    <form onSubmit=${submit} class="stack">
      <label for="gov-title">${t('gov.title')}</label>
      <input id="gov-title" required minlength="2" maxlength="200" value=${title} onInput=${(e: Event) => setTitle((e.target as HTMLInputElement).value)} />
      <label for="gov-desc">${t('gov.description')}</label>
      <textarea id="gov-desc" rows="3" maxlength="4000" value=${description} onInput=${(e: Event) => setDescription((e.target as HTMLTextAreaElement).value)}></textarea>
      <label for="gov-owner">${t('gov.owner')}</label>
      <select id="gov-owner" value=${ownerUnitId} onChange=${(e: Event) => setOwner((e.target as HTMLSelectElement).value)}>
        <option value="">${t('gov.noOwner')}</option>
        ${units.map((u) => html`<option value=${String(u.id)}>${u.name}</option>`)}
      </select>
      <button type="submit" disabled=${busy || title.trim().length < 2}>${t('gov.create')}</button>
    </form>
    <${ErrorBox} error=${error} />
  <//>`;
}

function TopicDetail({ id, canWrite, onChange }: { id: number; canWrite: boolean; onChange: () => void }) {
  const [topic, setTopic] = useState<FullTopic | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState('');
  const [numbers, setNumbers] = useState('');
  const load = () => get<FullTopic>(`/api/governance/topics/${id}`).then(setTopic, setError);
  useEffect(() => void load(), [id]);
  const act = async (fn: () => Promise<FullTopic>, message?: string) => {
    try {
      setTopic(await fn());
      setError(null);
      if (message) announce(message);
      onChange();
    } catch (e) {
      setError(e);
      void load();
    }
  };
  if (!topic)
    return html`<${Panel} title=${t('gov.detail')}>${error ? html`<${ErrorBox} error=${error} />` : html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`}<//>`;
  const linkByNumber = async () => {
    const wanted = numbers.split(/[\s,，]+/).filter(Boolean);
    const ids: number[] = [];
    for (const n of wanted) {
      const page = await get<Page<TicketSummary>>(`/api/tickets${qs({ number: n, limit: 1 })}`);
      if (page.items[0]) ids.push(page.items[0].id);
    }
    if (ids.length === 0) return setError(new Error(t('gov.noSuchTicket')));
    await act(() => post<FullTopic>(`/api/governance/topics/${id}/tickets`, { ticketIds: ids }), t('gov.linked', { n: ids.length }));
    setNumbers('');
  };
  return html`<${Panel} title=${topic.title} id="gov-detail">
    <p>
      <span class=${`badge topic-${topic.status}`} data-testid="topic-status">${lbl('topicStatus', topic.status)}</span>
      ${topic.ownerUnit ? html` · ${t('gov.owner')}：${topic.ownerUnit.name}` : null}
      ${topic.street ? html` · ${topic.street.name}` : null}${topic.category ? html` · ${topic.category.name}` : null}
    </p>
    ${topic.description ? html`<p>${topic.description}</p>` : null}
    ${
      canWrite && topic.abilities.length
        ? html`<div class="actions">
          ${topic.abilities.map(
            (a) => html`<button
              type="button"
              class="small"
              data-action=${a}
              onClick=${() => act(() => post<FullTopic>(`/api/governance/topics/${id}/${a}`, { version: topic.version, ...(note.trim() ? { note: note.trim() } : {}) }), lbl('topicAction', a))}
            >
              ${lbl('topicAction', a)}
            </button>`,
          )}
        </div>`
        : null
    }
    <${ErrorBox} error=${error} />
    <h3>${t('gov.ticketsTitle', { n: topic.tickets.length })}</h3>
    ${
      topic.tickets.length === 0
        ? html`<${Empty} text=${t('gov.noTickets')} />`
        : html`<ul class="list compact" data-testid="topic-tickets">
          ${topic.tickets.map(
            (x) => html`<li>
              <span class="mono">${x.number}</span> <span class="title">${x.title}</span> <span class="muted small">${lbl('status', x.status)} · ${x.streetName ?? '—'} · ${shortTime(x.createdAt)}</span>
              ${
                canWrite && topic.status !== 'closed'
                  ? html`<button type="button" class="small" onClick=${() => act(() => request<FullTopic>('DELETE', `/api/governance/topics/${id}/tickets/${x.id}`), t('gov.unlinked', { number: x.number }))}>
                    ${t('gov.unlink')}<span class="sr-only"> ${x.number}</span>
                  </button>`
                  : null
              }
            </li>`,
          )}
        </ul>`
    }
    ${
      canWrite && topic.status !== 'closed'
        ? html`<div class="stack">
          <label for="gov-link">${t('gov.linkLabel')}</label>
          <input id="gov-link" placeholder=${t('gov.linkPh')} value=${numbers} onInput=${(e: Event) => setNumbers((e.target as HTMLInputElement).value)} />
          <button type="button" class="small" disabled=${!numbers.trim()} onClick=${() => void linkByNumber()}>${t('gov.link')}</button>
          <label for="gov-note">${t('gov.noteLabel')}</label>
          <textarea id="gov-note" rows="2" maxlength="4000" value=${note} onInput=${(e: Event) => setNote((e.target as HTMLTextAreaElement).value)}></textarea>
          <button
            type="button"
            class="small"
            disabled=${!note.trim()}
            onClick=${() => act(() => post<FullTopic>(`/api/governance/topics/${id}/notes`, { text: note.trim() }), t('gov.noted')).then(() => setNote(''))}
          >
            ${t('gov.addNote')}
          </button>
        </div>`
        : null
    }
    <h3>${t('gov.timeline')}</h3>
    <ol class="timeline" data-testid="topic-events">
      ${topic.events.map(
        (e) => html`<li>
          <time datetime=${e.createdAt}>${shortTime(e.createdAt)}</time>
          <span class="tl-type">${lbl('topicEvent', e.type)}</span>
          ${e.toStatus ? html` <span class="tl-status">→ ${lbl('topicStatus', e.toStatus)}</span>` : null}
          ${e.actor ? html` <span class="muted small">${e.actor.name}</span>` : null}
          ${e.note ? html`<p class="tl-note">${e.note}</p>` : null}
        </li>`,
      )}
    </ol>
  <//>`;
}
