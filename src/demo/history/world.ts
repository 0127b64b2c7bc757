/** The demo city as the history reads it once (accounts, streets, categories, articles), and the shapes its stories share. */
import { eq } from 'drizzle-orm';
import { assignments, categories, kbArticles, units, users } from '../../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import type { Actor } from '../../domain/auth/actor.ts';
import type { AssignmentRow } from '../../domain/tickets/queries.ts';
import type { Caller, LeafSpec } from '../demands.ts';
import type { Place, Street } from '../places.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

type UnitInfo = { id: number; code: string; name: string; kind: string; path: string; parentId: number | null };

/** The demo city as the history needs it: accounts as actors, streets with their communities, categories, articles. */
export async function loadWorld(db: Deps['db']) {
  const unitRows = await db
    .select({ id: units.id, code: units.code, name: units.name, kind: units.kind, path: units.path, parentId: units.parentId })
    .from(units);
  const unitByCode = new Map<string, UnitInfo>(unitRows.map((u) => [u.code, u]));
  const unitById = new Map<number, UnitInfo>(unitRows.map((u) => [u.id, u]));
  const userRows = await db
    .select({ id: users.id, username: users.username, displayName: users.displayName, role: users.role, unitId: users.unitId })
    .from(users);
  const actors = new Map<string, Actor>();
  for (const u of userRows) {
    actors.set(u.username, {
      userId: u.id,
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      unitId: u.unitId,
      unitPath: unitById.get(u.unitId)?.path ?? '/',
      via: 'session',
      ip: null,
      requestId: null,
    });
  }
  const actor = (username: string) => {
    const a = actors.get(username);
    if (!a) throw new Error(`demo history: no account ${username} (seed the demo city first)`);
    return a;
  };
  const handlerOf = (unitId: number) => actors.get(`handler.${unitById.get(unitId)?.code}`) ?? null;
  const leaderOf = (unitId: number) => actors.get(`leader.${unitById.get(unitId)?.code}`) ?? null;

  const streets: Street[] = unitRows
    .filter((u) => u.kind === 'street')
    .sort((a, b) => a.id - b.id)
    .map((s) => {
      const district = unitById.get(s.parentId!)!;
      return {
        id: s.id,
        code: s.code,
        name: s.name,
        district: { id: district.id, name: district.name },
        communities: unitRows
          .filter((c) => c.parentId === s.id && c.kind === 'community')
          .sort((a, b) => a.id - b.id)
          .map((c) => ({ id: c.id, code: c.code, name: c.name })),
      };
    });

  const catRows = await db.select({ id: categories.id, name: categories.name, parentId: categories.parentId }).from(categories);
  const catById = new Map(catRows.map((c) => [c.id, c]));
  const pathOf = (id: number): string => {
    const c = catById.get(id)!;
    return c.parentId ? `${pathOf(c.parentId)}/${c.name}` : c.name;
  };
  const categoryIds = new Map(catRows.map((c) => [pathOf(c.id), c.id]));
  const articles = await db
    .select({ id: kbArticles.id, categoryId: kbArticles.categoryId, body: kbArticles.body })
    .from(kbArticles)
    .where(eq(kbArticles.active, true));
  return { unitByCode, unitById, actor, handlerOf, leaderOf, streets, categoryIds, articles };
}
export type World = Awaited<ReturnType<typeof loadWorld>>;

export const ASSIGNMENT_COLUMNS = {
  id: assignments.id,
  ticketId: assignments.ticketId,
  version: assignments.version,
  status: assignments.status,
  role: assignments.role,
  unitId: assignments.unitId,
  dispatchedAt: assignments.dispatchedAt,
  signDueAt: assignments.signDueAt,
  completeDueAt: assignments.completeDueAt,
};
export type Assignment = Pick<AssignmentRow, keyof typeof ASSIGNMENT_COLUMNS>;

/** The pieces of one ticket's life the stories share. */
export type Story = {
  id: number;
  number: string;
  leaf: LeafSpec;
  place: Place;
  caller: Caller;
  memo: Map<string, unknown>;
  createdAt: number;
};

/** How a dispatched ticket's handling goes; drawn once, when it is logged. */
export type Plan = {
  /** Where the story stops, waiting (a pinned story; the rest run until "now" stops them) */
  stopAt?: 'dispatch' | 'sign' | 'contact' | 'reply' | 'review' | 'request' | 'callback' | 'disputed' | 'redo';
  /** Short delays, so a pinned story reaches its stop before "now" */
  brisk?: boolean;
  path: 'reply' | 'return_ok' | 'return_rejected' | 'extension_ok' | 'extension_rejected' | 'termination_ok' | 'termination_rejected' | 'stall' | 'late_reply';
  signLate?: boolean;
  noContact?: boolean;
  replyRejected?: boolean;
  callback: 'satisfied' | 'basic' | 'partly' | 'reopen' | 'close' | 'unreached_once' | 'unreached_all';
  appeal?: 'approve' | 'reject' | 'pending';
  supervise?: boolean;
  /** The dispatcher sends it to the street's first community rather than the street */
  community?: boolean;
  /** Lead unit chosen by the story (pinned stories for a unit the README names) */
  leadUnitCode?: string;
};
