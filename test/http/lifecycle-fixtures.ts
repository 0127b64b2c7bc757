/**
 * What the lifecycle tests (test/http/lifecycle-*.test.ts) share: their world (./api-world.ts with
 * CALLBACK_MAX_ATTEMPTS 3), a POST helper and a ticket's event list.
 */
import { beforeEach, expect } from 'vitest';
import { api, deps, useApiWorld } from './api-world.ts';

export const T0 = '2026-03-10T02:00:00.000Z';
export const HOUR = 3600_000;

export function useLifecycleWorld() {
  useApiWorld({ config: { CALLBACK_MAX_ATTEMPTS: 3 } });
  // Units and users are only read; every test makes its own tickets, with the clock back at T0.
  beforeEach(() => deps.clock.set(T0));
}

export const post = (token: string, path: string, body: unknown) => api.call('POST', path, { token, body });
export const events = async (token: string, id: number) => {
  const r = await api.call('GET', `/api/tickets/${id}/events`, { token });
  expect(r.status).toBe(200);
  return r.body.items as {
    id: number;
    type: string;
    actor: { id: number; role: string } | null;
    from: string | null;
    to: string;
    version: number;
    assignmentId: number | null;
    payload: Record<string, unknown>;
    at: string;
  }[];
};
