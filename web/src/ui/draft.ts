import { useEffect, useRef } from 'preact/hooks';
import { request } from '../api.ts';

/**
 * Drafts of long forms (the call at intake, a unit's reply, a callback, a review's reason): what is typed is
 * kept in this browser at once (a reload, even offline, restores it) and on the server after a pause in typing
 * (PUT /api/drafts/:key, the user's own), so it also survives a lost session and a sign-in elsewhere. Saving
 * the form clears both.
 */
const SAVE_AFTER_MS = 800;
let owner = 0;
/** Local copies are per user: on a shared desk nobody restores someone else's draft. */
export const setDraftOwner = (userId: number) => void (owner = userId);

type Local = { body: Record<string, unknown>; at: number; synced: boolean };
const storageKey = (key: string) => `jiesu:draft:${owner}:${key}`;
function readLocal(key: string): Local | null {
  try {
    return JSON.parse(localStorage.getItem(storageKey(key)) ?? 'null') as Local | null;
  } catch {
    return null;
  }
}
function writeLocal(key: string, local: Local | null) {
  try {
    if (local) localStorage.setItem(storageKey(key), JSON.stringify(local));
    else localStorage.removeItem(storageKey(key));
  } catch {
    // storage full or disabled: the server copy still holds it
  }
}
/** Writes to one key go out one after another, so a late PUT can never overtake the DELETE that clears it. */
const inFlight = new Map<string, Promise<unknown>>();
function send(key: string, body: Record<string, unknown> | null) {
  const go = () => (body ? request('PUT', `/api/drafts/${key}`, { body }) : request('DELETE', `/api/drafts/${key}`));
  const next = (inFlight.get(key) ?? Promise.resolve()).then(go, go);
  const settled = next.catch(() => {});
  inFlight.set(key, settled);
  void settled.then(() => inFlight.get(key) === settled && inFlight.delete(key));
  return next;
}

/**
 * Keeps `value` as the draft `key` (null: no draft, e.g. nothing selected) and restores it on mount: the local
 * copy at once, the server's when it arrives (unless the user has typed since). An empty value drops the draft.
 * `clear()` drops it after a successful save.
 */
export function useFormDraft<T extends Record<string, unknown>>(key: string | null, value: T, restore: (v: T) => void, isEmpty: (v: T) => boolean) {
  const state = useRef({ timer: 0 as ReturnType<typeof setTimeout> | 0, typed: false, cleared: false, pending: null as T | null, last: '' });
  const s = state.current;
  const json = JSON.stringify(value);

  const flush = (k: string) => {
    if (s.timer) clearTimeout(s.timer);
    s.timer = 0;
    const v = s.pending;
    s.pending = null;
    if (!v) return;
    const body = isEmpty(v) ? null : v;
    send(k, body).then(
      () => {
        const local = readLocal(k);
        if (local && body && JSON.stringify(local.body) === JSON.stringify(body)) writeLocal(k, { ...local, synced: true });
      },
      () => {}, // offline or signed out: the local copy stays unsynced and is sent again on the next change
    );
  };

  // Restore when the form (key) appears; flush when it goes (a lost session unmounts the screen).
  useEffect(() => {
    if (!key) return;
    s.typed = false;
    s.cleared = false;
    s.last = json; // what the form starts with is not a change
    const local = readLocal(key);
    const apply = (body: Record<string, unknown>) => {
      s.last = JSON.stringify(body);
      restore(body as T);
    };
    if (local) apply(local.body);
    let live = true;
    request<{ body: Record<string, unknown> | null }>('GET', `/api/drafts/${key}`).then(
      (r) => {
        if (!live || s.typed || s.cleared) return; // typed or saved meanwhile: the server's copy is stale
        if (local && !local.synced) {
          s.pending = local.body as T; // typed here but never reached the server
          flush(key);
        } else if (r.body) apply(r.body);
        else if (local) writeLocal(key, null); // saved or dropped elsewhere
      },
      () => {},
    );
    return () => {
      live = false;
      flush(key);
    };
  }, [key]);

  useEffect(() => {
    if (!key || json === s.last) return;
    s.last = json;
    s.typed = true;
    s.cleared = false;
    writeLocal(key, isEmpty(value) ? null : { body: value, at: Date.now(), synced: false });
    s.pending = value;
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => flush(key), SAVE_AFTER_MS);
  }, [key, json]);

  return {
    /** The form was saved: drop its draft here and on the server. */
    clear: () => {
      if (!key) return;
      s.cleared = true;
      if (s.timer) clearTimeout(s.timer);
      s.timer = 0;
      s.pending = null;
      writeLocal(key, null);
      void send(key, null).catch(() => {});
    },
  };
}
