/**
 * What the intake tests (test/http/intake*.test.ts) share: their world (./api-world.ts, the clock put back at
 * BASE_TIME after each test), intake calls, and counts of what intake wrote.
 */
import { afterEach, expect } from 'vitest';
import { callBody } from '../setup/world.ts';
import { api, database, deps, useApiWorld, w } from './api-world.ts';
import { phoneIndex } from '../../src/domain/privacy/caller-index.ts';

export const BASE_TIME = '2026-03-10T02:00:00Z';
export const DAY = 86400_000;

export function useIntakeWorld() {
  useApiWorld({ now: BASE_TIME });
  // Tests that move the clock put it back, so the next test starts from the same instant.
  afterEach(() => deps.clock.set(BASE_TIME));
}

export const WINDOW = { matter: '办理居住证', hallDepartment: '公安窗口', reason: 'documents' };

/** Every ticket the dispatcher can list, walking the keyset pages. */
export async function countTickets(): Promise<number> {
  let n = 0;
  let before: number | null = null;
  for (;;) {
    const r = await api.call('GET', `/api/tickets?limit=200${before ? `&before=${before}` : ''}`, { token: w.dispatcher.token });
    expect(r.status).toBe(200);
    n += r.body.items.length;
    before = r.body.nextBefore;
    if (!before) return n;
  }
}

export async function rowCount(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await database.query<{ n: number }>(sql, params);
  return Number(row!.n);
}

// Numbers are encrypted at rest: a caller's tickets are found by the number's blind index.
export const ticketsOfPhone = (phone: string) => rowCount('select count(*)::int as n from tickets where caller_phone_index = $1', [phoneIndex(phone)]);

export async function intake(token: string, body: Record<string, unknown>, headers?: Record<string, string>) {
  return api.call('POST', '/api/tickets', { token, body, headers });
}

/** A dispatched-ready ticket from the operator; fails the test if intake does. */
export async function newTicket(over: Record<string, unknown> = {}) {
  const r = await intake(w.operator.token, callBody(w.category.id, over));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

export const counterOf = (number: string) => Number(number.split('-')[1]);
