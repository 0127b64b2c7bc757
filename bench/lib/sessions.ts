/**
 * Signing in to the product under test as its users do: POST /api/auth/login (the session cookie and the CSRF
 * token), and — outside demo mode a demo account must change its known password before anything else — the
 * password changed through POST /api/account/password, which keeps this session. The headers a browser would send.
 */
import { DEMO_PASSWORD } from '../../src/seed/city.ts';

export type SessionHeaders = { cookie: string; 'x-csrf-token': string };

const BENCH_PASSWORD = 'Bench@Latency-2026';

export async function signIn(port: number, username: string): Promise<SessionHeaders> {
  const base = `http://127.0.0.1:${port}`;
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  const body = (await res.json()) as { next?: string; csrfToken?: string; restrictions?: string[] };
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('jiesu_session='));
  if (!res.ok || body.next !== 'session' || !cookie || !body.csrfToken) throw new Error(`sign-in of ${username} failed: ${res.status} ${JSON.stringify(body)}`);
  const headers: SessionHeaders = { cookie: cookie.split(';')[0]!, 'x-csrf-token': body.csrfToken };
  if (body.restrictions?.includes('password_change_required')) {
    const r = await fetch(`${base}/api/account/password`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ current: DEMO_PASSWORD, next: BENCH_PASSWORD }),
    });
    if (!r.ok) throw new Error(`password change of ${username} failed: ${r.status} ${await r.text()}`);
  }
  return headers;
}
