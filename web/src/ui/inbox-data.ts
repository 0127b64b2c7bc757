/**
 * The signed-in user's notification centre as state: the unread count (refetched on every 'inbox:changed' and
 * reconnect), the loaded pages while the panel is open, and marking read. The server answers for the user's own
 * rows only; this keeps no copy beyond the page.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post, qs } from '../api.ts';
import { useInboxChanged } from '../live.ts';

export type { InboxItem, InboxKind } from '../../../src/contract/inbox.ts';
import type { InboxItem } from '../../../src/contract/inbox.ts';
type InboxPage = { items: InboxItem[]; nextBefore: number | null };

const PAGE = 20;

/**
 * `onNew` is called with the newest unread notification when the count rises while the app is open (not on the
 * first count after sign-in), for the optional sound and desktop alerts.
 */
export function useInbox(open: boolean, onNew: (item: InboxItem) => void) {
  const [unread, setUnread] = useState<number | null>(null);
  const [page, setPage] = useState<InboxPage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const last = useRef<number | null>(null);
  const seq = useRef(0);
  const openRef = useRef(open);
  openRef.current = open;

  const count = (n: number) => {
    last.current = n;
    setUnread(n);
  };

  /** The first page again; pages loaded further down stay below it. */
  const loadFirst = async () => {
    try {
      const fresh = await get<InboxPage>(`/api/inbox${qs({ limit: PAGE })}`);
      setPage((prev) => {
        const oldest = fresh.items.at(-1)?.id;
        const rest = prev && oldest !== undefined ? prev.items.filter((i) => i.id < oldest) : [];
        return { items: [...fresh.items, ...rest], nextBefore: rest.length ? (prev?.nextBefore ?? null) : fresh.nextBefore };
      });
      setError(null);
    } catch (e) {
      setError(e);
    }
  };

  const refresh = async () => {
    const n = ++seq.current;
    const r = await get<{ unread: number }>('/api/inbox/unread-count').catch(() => null);
    if (!r || n !== seq.current) return;
    const before = last.current;
    count(r.unread);
    if (openRef.current) void loadFirst();
    if (before !== null && r.unread > before) {
      const newest = await get<InboxPage>(`/api/inbox${qs({ unread: 'true', limit: 1 })}`).catch(() => null);
      if (newest?.items[0]) onNew(newest.items[0]);
    }
  };

  useEffect(() => void refresh(), []);
  useInboxChanged(() => void refresh());
  // Opened: the newest page; closed: nothing kept, so the next opening never shows a stale list first.
  useEffect(() => {
    if (open) void loadFirst();
    else setPage(null);
  }, [open]);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    try {
      await fn();
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const markLocally = (pred: (i: InboxItem) => boolean) => {
    const now = new Date().toISOString();
    setPage((p) => p && { ...p, items: p.items.map((i) => (pred(i) && !i.readAt ? { ...i, readAt: now } : i)) });
  };

  return {
    unread,
    page,
    error,
    busy,
    markRead: (item: InboxItem) =>
      run(async () => {
        if (item.readAt) return;
        seq.current++; // an older count in flight must not overwrite this one
        const r = await post<{ unread: number }>(`/api/inbox/${item.id}/read`);
        markLocally((i) => i.id === item.id);
        count(r.unread);
      }),
    markAll: () =>
      run(async () => {
        seq.current++;
        await post('/api/inbox/read-all');
        markLocally(() => true);
        count(0);
      }),
    more: () =>
      run(async () => {
        const before = page?.nextBefore;
        if (!before) return;
        const next = await get<InboxPage>(`/api/inbox${qs({ before, limit: PAGE })}`);
        setPage((p) => ({ items: [...(p?.items ?? []), ...next.items.filter((i) => !p?.items.some((x) => x.id === i.id))], nextBefore: next.nextBefore }));
      }),
  };
}
