/**
 * What the dispatch-routing tests (test/http/routing-*.test.ts) share: their world (./api-world.ts, the clock
 * back at T0 before each test), rules made through the API, fresh categories and tickets, and the suggestions.
 */
import { beforeEach, expect } from 'vitest';
import { eq } from 'drizzle-orm';
import { callBody, makeCategoryLeaf, type TestUser } from '../setup/world.ts';
import type { View } from '../setup/ticket-flow.ts';
import { categories } from '../../db/schema/index.ts';
import { api, deps, useApiWorld, w } from './api-world.ts';

export const T0 = '2026-03-10T02:00:00.000Z';
export const MISSING_ID = 2_000_000_000;

export function useRoutingWorld() {
  useApiWorld();
  beforeEach(() => deps.clock.set(T0));
}

export const call = (user: TestUser, method: string, path: string, body?: unknown) => api.call(method, path, { token: user.token, body });

/** A rule body; rules in the routing tests always name a category made for the test, so tests never see each other's rules. */
export const ruleBody = (over: Record<string, unknown>) => ({ name: '测试规则', leadMode: 'unit', ...over });

export async function addRule(over: Record<string, unknown>): Promise<{ id: number; name: string }> {
  const r = await call(w.admin, 'POST', '/api/routing/rules', ruleBody(over));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** A fresh leaf category (its own three-level tree), optionally marked safe for auto-dispatch. */
export async function category(opts: { autoDispatch?: boolean } = {}) {
  const c = await makeCategoryLeaf(deps.db, '测试小类');
  if (opts.autoDispatch) await deps.db.update(categories).set({ autoDispatch: true }).where(eq(categories.id, c.leaf.id));
  return c;
}

export async function createTicket(categoryId: number, over: Record<string, unknown> = {}): Promise<View & Record<string, any>> {
  const r = await call(w.operator, 'POST', '/api/tickets', callBody(categoryId, over));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

export type Suggestion = {
  leadUnit: { id: number; name: string; kind: string };
  assistUnits: { id: number }[];
  copyUnits: { id: number }[];
  rule: { id: number; name: string } | null;
  score: number;
  reasons: string[];
};
export async function suggestions(
  id: number,
  user: TestUser = w.dispatcher,
): Promise<{ items: Suggestion[]; excluded: { unit: { id: number } | null; reason: string }[]; place: any }> {
  const r = await call(user, 'GET', `/api/tickets/${id}/suggestions`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}
export const leads = (s: { items: Suggestion[] }) => s.items.map((i) => i.leadUnit.id);

export const rect = (lng1: number, lat1: number, lng2: number, lat2: number) => [
  [lng1, lat1],
  [lng2, lat1],
  [lng2, lat2],
  [lng1, lat2],
  [lng1, lat1],
];
