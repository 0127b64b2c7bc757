import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { get } from '../api.ts';
import { shortTime } from '../format.ts';
import { linkClick } from '../router.ts';
import type { SessionInfo } from '../types.ts';
import { Empty, lbl } from '../ui/common.ts';
import { openTopicFrom } from './governance.ts';

type Spike = {
  categoryId: number;
  categoryName: string;
  streetUnitId: number;
  streetName: string;
  count: number;
  mean: number;
  threshold: number;
  score: number;
  ticketIds: number[];
  topicIds: number[];
};
type Repeat = {
  kind: 'caller' | 'address' | 'linked';
  key: string;
  categoryId: number | null;
  categoryName: string | null;
  streetUnitId: number | null;
  streetName: string | null;
  count: number;
  ticketIds: number[];
  topicIds: number[];
};
type Hotspots = { window: { from: string; countedUntil: string }; rule: { text: string }; spikes: Spike[]; repeats: Repeat[] };

/** 未诉先办 on the supervisor wallboard: this week's spikes and repeated demands, each one click from a topic. */
export function HotspotPanel({ role, refresh }: { role: SessionInfo['user']['role'] | null; refresh: unknown }) {
  const [data, setData] = useState<Hotspots | null>(null);
  const [available, setAvailable] = useState(false);
  const canOpen = role === 'supervisor' || role === 'admin';
  useEffect(() => {
    get<Hotspots>('/api/hotspots').then(
      (d) => {
        setData(d);
        setAvailable(true);
      },
      () => {},
    );
  }, [refresh]);
  if (!available) return null;
  const topicLinks = (ids: number[]) =>
    ids.map((id) => html` <a class="small" href=${`/governance?topic=${id}`} onClick=${linkClick}>${t('hot.topic', { id })}</a>`);
  const openButton = (
    title: string,
    description: string,
    draft: { categoryId?: number; streetUnitId?: number; kind: string; details: Record<string, unknown>; ticketIds: number[] },
  ) =>
    canOpen
      ? html`<button
          type="button"
          class="small"
          data-open-topic
          onClick=${() =>
            openTopicFrom({
              title,
              description,
              categoryId: draft.categoryId,
              streetUnitId: draft.streetUnitId,
              source: { kind: draft.kind, details: draft.details },
              ticketIds: draft.ticketIds,
            })}
        >
          ${t('hot.open')}<span class="sr-only"> ${title}</span>
        </button>`
      : null;
  return html`<section class="panel hotspots" aria-labelledby="hot-h" data-testid="hotspots">
    <h2 id="hot-h">${t('hot.title')} <span class="count">${data ? data.spikes.length + data.repeats.length : ''}</span></h2>
    ${
      data === null
        ? html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`
        : html`<p class="muted small">${t('hot.window', { from: shortTime(data.window.from), to: shortTime(data.window.countedUntil) })}</p>
          <h3>${t('hot.spikes')}</h3>
          ${
            data.spikes.length === 0
              ? html`<${Empty} text=${t('hot.noSpikes')} />`
              : html`<ul class="list compact" data-testid="spikes">
                ${data.spikes.map((s) => {
                  const title = t('hot.spikeTitle', { street: s.streetName, category: s.categoryName });
                  return html`<li>
                    <strong>${s.streetName} · ${s.categoryName}</strong>
                    <span>${t('hot.spikeLine', { n: s.count, mean: s.mean, threshold: s.threshold })}</span>
                    ${topicLinks(s.topicIds)}
                    ${
                      s.topicIds.length
                        ? null
                        : openButton(title, t('hot.spikeDesc', { n: s.count, mean: s.mean, threshold: s.threshold }), {
                            categoryId: s.categoryId,
                            streetUnitId: s.streetUnitId,
                            kind: 'spike',
                            details: { count: s.count, mean: s.mean, threshold: s.threshold, from: data.window.from, to: data.window.countedUntil },
                            ticketIds: s.ticketIds,
                          })
                    }
                  </li>`;
                })}
              </ul>`
          }
          <p class="muted small">${data.rule.text}</p>
          <h3>${t('hot.repeats')}</h3>
          ${
            data.repeats.length === 0
              ? html`<${Empty} text=${t('hot.noRepeats')} />`
              : html`<ul class="list compact" data-testid="repeats">
                ${data.repeats.slice(0, 20).map((r) => {
                  const title = t('hot.repeatTitle', { kind: lbl('repeatKind', r.kind), key: r.key });
                  return html`<li>
                    <span class="badge">${lbl('repeatKind', r.kind)}</span> <span class="mono">${r.key}</span>
                    <span>${t('hot.repeatLine', { n: r.count, category: r.categoryName ?? '—', street: r.streetName ?? '—' })}</span>
                    ${topicLinks(r.topicIds)}
                    ${
                      r.topicIds.length
                        ? null
                        : openButton(title, t('hot.repeatDesc', { n: r.count }), {
                            categoryId: r.categoryId ?? undefined,
                            streetUnitId: r.streetUnitId ?? undefined,
                            kind: r.kind,
                            details: { key: r.key, count: r.count },
                            ticketIds: r.ticketIds,
                          })
                    }
                  </li>`;
                })}
              </ul>`
          }
          <p><a href="/governance" onClick=${linkClick}>${t('hot.allTopics')}</a></p>`
    }
  </section>`;
}
