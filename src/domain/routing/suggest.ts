/** Suggestions for one ticket: the catalogue's matching rules ranked, with the units' names, for the dispatcher. */
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assignments, categories, dispatchRules, units } from '../../../db/schema/index.ts';
import type { TicketRow } from '../tickets/queries.ts';
import { rowsOf } from '../tickets/queries.ts';
import { categoryAncestry, type References } from '../reference.ts';
import { suggest, unitIdsToLoad, type Candidate, type Exclusion, type RoutingTicket, type UnitInfo } from './match.ts';

/** The ticket's category and every category above it, with levels; from `refs`, the command's copy of the reference data, when given. */
export async function categoryChain(db: Db, categoryId: number, refs?: References): Promise<{ id: number; level: number; autoDispatch: boolean }[]> {
  if (refs) return categoryAncestry(refs, categoryId).map((c) => ({ id: c.id, level: c.level, autoDispatch: c.autoDispatch }));
  const rows = await db.execute(sql`
    with recursive up as (
      select id, parent_id, level, auto_dispatch from ${categories} where id = ${categoryId}
      union all
      select c.id, c.parent_id, c.level, c.auto_dispatch from ${categories} c join up on c.id = up.parent_id
    ) select id, level, auto_dispatch as "autoDispatch" from up order by level`);
  return rowsOf<{ id: number; level: number; autoDispatch: boolean }>(rows).map((r) => ({
    id: Number(r.id),
    level: Number(r.level),
    autoDispatch: !!r.autoDispatch,
  }));
}

/** Units by id, with every ancestor (through the materialised paths) so districts can be found. */
async function unitsWithAncestors(db: Db, ids: number[], refs?: References): Promise<Map<number, UnitInfo>> {
  const map = new Map<number, UnitInfo>();
  const cols = { id: units.id, name: units.name, kind: units.kind, path: units.path, active: units.active };
  if (ids.length === 0) return map;
  if (refs) {
    const info = (u: NonNullable<ReturnType<typeof refs.units.get>>): UnitInfo => ({ id: u.id, name: u.name, kind: u.kind, path: u.path, active: u.active });
    for (const id of ids) {
      const u = refs.units.get(id);
      if (!u) continue;
      map.set(id, info(u));
      for (const above of u.path.split('/').filter(Boolean).map(Number)) {
        const a = refs.units.get(above);
        if (a && !map.has(above)) map.set(above, info(a));
      }
    }
    return map;
  }
  const first = await db.select(cols).from(units).where(inArray(units.id, ids));
  for (const u of first) map.set(u.id, u);
  const above = [...new Set(first.flatMap((u) => u.path.split('/').filter(Boolean).map(Number)))].filter((id) => !map.has(id));
  if (above.length) for (const u of await db.select(cols).from(units).where(inArray(units.id, above))) map.set(u.id, u);
  return map;
}

export type Suggestions = { candidates: Candidate[]; excluded: Exclusion[]; units: Map<number, UnitInfo>; categoryAutoDispatch: boolean };

/**
 * Ranked candidates for a ticket the caller has already loaded (visibility is the caller's business).
 * Only rules that could match are read: any category or one of the ticket's category chain. `refs`: the
 * command's copy of the reference data (categories, units, rules), read instead of the tables when given.
 */
export async function suggestionsFor(db: Db, ticket: TicketRow, opts: { neverDispatched?: boolean; refs?: References } = {}): Promise<Suggestions> {
  const { refs } = opts;
  const chain = await categoryChain(db, ticket.categoryId, refs);
  const chainIds = chain.map((c) => c.id);
  const rules = refs
    ? refs.rules.filter((r) => r.categoryId === null || chainIds.includes(r.categoryId))
    : await db
        .select()
        .from(dispatchRules)
        .where(and(eq(dispatchRules.active, true), or(isNull(dispatchRules.categoryId), inArray(dispatchRules.categoryId, chainIds))));
  // A ticket never dispatched (the caller knows: it was just created) has no assignments, so none returned.
  const returned = opts.neverDispatched
    ? []
    : await db
        .selectDistinct({ unitId: assignments.unitId })
        .from(assignments)
        .where(and(eq(assignments.ticketId, ticket.id), eq(assignments.status, 'returned')));
  const rt: RoutingTicket = {
    categories: chain,
    streetUnitId: ticket.streetUnitId,
    districtUnitId: ticket.districtUnitId,
    title: ticket.title,
    content: ticket.content,
  };
  const unitMap = await unitsWithAncestors(db, unitIdsToLoad(rt, rules), refs);
  const { candidates, excluded } = suggest({ ticket: rt, rules, units: unitMap, returnedUnitIds: new Set(returned.map((r) => r.unitId)) });
  const leaf = chain.find((c) => c.id === ticket.categoryId);
  return { candidates, excluded, units: unitMap, categoryAutoDispatch: !!leaf?.autoDispatch };
}

export function presentSuggestions(ticket: TicketRow, s: Suggestions) {
  const unit = (id: number) => {
    const u = s.units.get(id);
    return { id, name: u?.name ?? null, kind: u?.kind ?? null };
  };
  const opt = (id: number | null) => (id ? unit(id) : null);
  return {
    ticketId: ticket.id,
    status: ticket.status,
    place: { street: opt(ticket.streetUnitId), district: opt(ticket.districtUnitId), streetSource: ticket.streetSource },
    autoDispatchCategory: s.categoryAutoDispatch,
    items: s.candidates.map((c) => ({
      leadUnit: unit(c.leadUnitId),
      assistUnits: c.assistUnitIds.map(unit),
      copyUnits: c.copyUnitIds.map(unit),
      rule: c.rule,
      score: c.score,
      reasons: c.reasons,
      fallback: c.fallback,
    })),
    excluded: s.excluded.map((e) => ({ rule: e.rule, unit: opt(e.unitId), reason: e.reason })),
  };
}
