/** The ticket page's sections: units with their clocks (sub-assignments beneath their parent), attachments, actions. */
import { html } from '../html.ts';
import { t, type MsgKey } from '../i18n.ts';
import { linkClick } from '../router.ts';
import { shortTime } from '../format.ts';
import type { Assignment, Role, TicketView } from '../types.ts';
import { Empty, lbl } from '../ui/common.ts';
import { StepClocks } from '../ui/chain.ts';

/** A ticket number that opens its page (every list links through this). */
export function TicketLink({ number }: { number: string }) {
  return html`<a class="mono ticket-link" href=${`/tickets/${number}`} onClick=${linkClick}>${number}</a>`;
}

/** Assignments in tree order: each top-level one, then the ones handed down from it (depth for indentation). */
function inTreeOrder(list: Assignment[]): { a: Assignment; depth: number }[] {
  const ids = new Set(list.map((a) => a.id));
  const out: { a: Assignment; depth: number }[] = [];
  const walk = (parent: number | null, depth: number) => {
    for (const a of list) {
      const p = a.parentId && ids.has(a.parentId) ? a.parentId : null;
      if (p === parent) {
        out.push({ a, depth });
        walk(a.id, depth + 1);
      }
    }
  };
  walk(null, 0);
  return out;
}

export function Assignments({ view }: { view: TicketView }) {
  if (view.assignments.length === 0) return html`<${Empty} text=${t('tp.noAssignments')} />`;
  const byId = new Map(view.assignments.map((a) => [a.id, a]));
  return html`<ul class="tp-units">
    ${inTreeOrder(view.assignments).map(
      ({ a, depth }) => html`<li class="tp-unit" data-depth=${Math.min(depth, 3)} data-assignment=${a.id} data-parent=${a.parentId ?? ''}>
        <div class="tp-unit-head">
          <strong>${a.unit.name}</strong>
          <span class="badge">${lbl('assignmentRole', a.role)}</span>
          <span class="badge">${lbl('status', a.status)}</span>
          ${a.parentId && byId.get(a.parentId) ? html`<small>${t('tp.handedDownFrom', { unit: byId.get(a.parentId)!.unit.name })}</small>` : null}
          ${a.dispatchedAt ? html`<small>${t('tp.dispatchedAt')} ${shortTime(a.dispatchedAt)}</small>` : null}
        </div>
        <${StepClocks} a=${a} />
        ${a.handDownNote ? html`<p class="tp-note">${a.handDownNote}</p>` : null}
      </li>`,
    )}
  </ul>`;
}

export type AttachmentItem = {
  id: number;
  assignmentId: number | null;
  kind: string;
  fileName: string;
  mimeType: string;
  size: number;
  createdAt: string;
  url: string;
};

/** Photos as thumbnails, recordings with a player, anything else as a download; every fetch of the bytes is audited server-side. */
export function Attachments({ items }: { items: AttachmentItem[] }) {
  if (items.length === 0) return html`<${Empty} text=${t('tp.noAttachments')} />`;
  return html`<ul class="tp-files">
    ${items.map((f) => {
      const meta = html`<small>${shortTime(f.createdAt)} · ${t('tp.size', { kb: Math.max(1, Math.round(f.size / 1024)) })}</small>`;
      const download = html`<a href=${f.url} download=${f.fileName} data-download=${f.id}>${t('tp.download', { name: f.fileName })}</a>`;
      if (f.mimeType.startsWith('image/')) {
        return html`<li class="tp-file tp-photo" data-attachment=${f.id}>
          <a href=${f.url} download=${f.fileName} aria-label=${t('tp.download', { name: f.fileName })}>
            <img src=${f.url} alt=${t('tp.photo', { name: f.fileName })} loading="lazy" width="160" height="120" />
          </a>
          ${meta}
        </li>`;
      }
      if (f.mimeType.startsWith('audio/')) {
        return html`<li class="tp-file tp-audio" data-attachment=${f.id}>
          <audio controls preload="none" src=${f.url} aria-label=${t('tp.recording', { name: f.fileName })}></audio>
          ${download} ${meta}
        </li>`;
      }
      return html`<li class="tp-file" data-attachment=${f.id}>${download} ${meta}</li>`;
    })}
  </ul>`;
}

/** Where each role's action forms live (the ticket page lists what may be done and hands off to that desk). */
const DESK: Partial<Record<Role, { path: string; title: MsgKey }>> = {
  dispatcher: { path: '/dispatch', title: 'screen.dispatch' },
  unit_handler: { path: '/unit', title: 'screen.unit' },
  unit_leader: { path: '/unit', title: 'screen.unit' },
  callback_agent: { path: '/callback', title: 'screen.callback' },
  supervisor: { path: '/wallboard', title: 'screen.wallboard' },
};

const abilityLabel = (a: string) => (a === 'callback' ? t('tp.abilityCallback') : lbl('event', a));

/** The ticket's and its assignments' abilities for this user, and the desk where each is done. */
export function Actions({ view, role }: { view: TicketView; role: Role }) {
  const mine = [
    ...view.abilities.map((a) => ({ key: `t-${a}`, text: abilityLabel(a) })),
    ...view.assignments.flatMap((x) => [
      ...x.abilities.map((a) => ({ key: `a-${x.id}-${a}`, text: `${x.unit.name} · ${abilityLabel(a)}` })),
      ...(x.decisions ?? []).map((d) => ({ key: `d-${x.id}-${d}`, text: `${x.unit.name} · ${lbl('event', d)}` })),
    ]),
  ];
  const desk = DESK[role];
  return html`<div class="tp-actions">
    ${
      view.pendingRequests.length > 0
        ? html`<p><strong>${t('tp.pending')}：</strong>${view.pendingRequests.map((r) => `${lbl('request', r.kind)}（${r.reason}）`).join('；')}</p>`
        : null
    }
    ${
      mine.length === 0
        ? html`<p class="muted" data-no-actions>${t('tp.noActions')}</p>`
        : html`<ul class="tp-abilities">${mine.map((m) => html`<li data-ability=${m.key}>${m.text}</li>`)}</ul>
          ${desk ? html`<a class="button" href=${desk.path} onClick=${linkClick}>${t('tp.goDesk', { desk: t(desk.title) })}</a>` : null}`
    }
  </div>`;
}
