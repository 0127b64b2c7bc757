/** Sign-ins and sockets for the tests that end sessions (session-end*.test.ts). */
import { expect } from 'vitest';
import { io as connectClient, type Socket } from 'socket.io-client';
import { TEST_PASSWORD } from '../setup/world.ts';

export type SignIn = { cookie: string; csrf: string };

/** A cookie session through the API at `base`, as the browser gets it. */
export async function signIn(base: string, username: string): Promise<SignIn> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('jiesu_session='))!
    .split(';')[0]!;
  return { cookie, csrf: body.csrfToken };
}

export async function signOut(base: string, s: SignIn, everywhere = false) {
  const res = await fetch(`${base}/api/auth/logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf },
    body: JSON.stringify({ everywhere }),
  });
  expect(res.status).toBe(204);
}

/** Why each socket was disconnected, recorded from the start (a cut can come before the test awaits it). */
const reasons = new WeakMap<Socket, string>();

export function socketPool() {
  const open: Socket[] = [];
  return {
    /** A socket with the session cookie (the browser's way) or a bearer token (auth.token). */
    connect(base: string, who: SignIn | { token: string }): Promise<Socket> {
      const s = connectClient(base, {
        auth: 'token' in who ? { token: who.token } : {},
        extraHeaders: 'cookie' in who ? { cookie: who.cookie } : undefined,
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      open.push(s);
      s.once('disconnect', (reason) => reasons.set(s, reason));
      return new Promise((resolve, reject) => {
        s.once('connect', () => resolve(s));
        s.once('connect_error', (e) => reject(e));
      });
    },
    closeAll() {
      for (const s of open) s.disconnect();
    },
  };
}

/** Resolves with the disconnect reason once the server cuts the socket; fails after `ms`. */
export function cutWithin(s: Socket, ms: number): Promise<string> {
  if (!s.connected) return Promise.resolve(reasons.get(s) ?? 'never connected');
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`socket still connected after ${ms} ms`)), ms);
    s.once('disconnect', (reason) => {
      clearTimeout(t);
      resolve(reason);
    });
  });
}

/** The socket is still connected after `ms` (long enough for a broadcast to have arrived). */
export async function staysConnected(s: Socket, ms = 400) {
  await new Promise((r) => setTimeout(r, ms));
  expect(s.connected).toBe(true);
}
