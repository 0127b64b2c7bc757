/** The user's saved ticket views in the navigation, each with its count (GET /api/views), opening /tickets with its filters. */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { get, qs } from '../api.ts';
import { useDebounced } from '../format.ts';
import { useTicketEvents } from '../live.ts';
import { linkClick } from '../router.ts';

type SavedView = { id: number; name: string; filters: Record<string, string | number | boolean>; position: number; count: number | null };

const listeners = new Set<() => void>();
/** Called after a view is saved or removed: the navigation refetches. */
export const refreshViews = () => {
  for (const l of listeners) l();
};

export function SavedViewsNav({ current }: { current: string }) {
  const [views, setViews] = useState<SavedView[]>([]);
  const reload = useDebounced(() => {
    get<{ items: SavedView[] }>('/api/views').then(
      (r) => setViews(r.items ?? []),
      () => setViews([]),
    );
  }, 500);
  useEffect(() => {
    reload();
    listeners.add(reload);
    return () => void listeners.delete(reload);
  }, []);
  useTicketEvents(reload, reload);
  if (views.length === 0) return null;
  return html`<span class="nav-views" role="group" aria-label=${t('ts.views')}>
    ${views.map((v) => {
      const href = `/tickets${qs(v.filters)}`;
      return html`<a href=${href} onClick=${linkClick} data-view=${v.id} aria-current=${current === href ? 'page' : undefined}>
        ${t('ts.viewCount', { name: v.name, n: v.count ?? '…' })}
      </a>`;
    })}
  </span>`;
}
