import { z } from 'zod';
import { loadTicket } from '../../domain/tickets/queries.ts';
import * as inputs from '../../domain/routing/inputs.ts';
import { createRule, deleteRule, getRule, listRules, presentRule, updateRule } from '../../domain/routing/rules.ts';
import { deleteBoundary, importBoundaries, listBoundaries, setBoundary } from '../../domain/routing/boundaries.ts';
import { locate } from '../../domain/routing/locate.ts';
import { presentSuggestions, suggestionsFor } from '../../domain/routing/suggest.ts';
import { idParam } from '../../domain/tickets/inputs.ts';
import { route, type AnyRoute } from '../route.ts';

const intId = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
const ADMIN = ['admin'] as const;
/** Dispatchers and supervisors read the catalogue they work with; only admins change it. */
const CATALOGUE_READERS = ['admin', 'dispatcher', 'supervisor'] as const;

const unitRef = (u: { id: number; code: string; name: string } | null) => (u ? { id: u.id, code: u.code, name: u.name } : null);

export const routingRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/routing/rules',
    summary: 'The dispatch catalogue (派单目录): every rule, oldest first',
    tag: 'routing',
    access: CATALOGUE_READERS,
    query: inputs.rulesQuery,
    handler: async ({ deps, query }) => ({
      body: {
        items: (await listRules(deps.db, { categoryId: query.categoryId, active: query.active === undefined ? undefined : query.active === 'true' })).map(
          presentRule,
        ),
      },
    }),
  }),
  route({
    method: 'get',
    path: '/api/routing/rules/:id',
    summary: 'One dispatch rule',
    tag: 'routing',
    access: CATALOGUE_READERS,
    params: z.object({ id: intId }),
    handler: async ({ deps, params }) => ({ body: presentRule(await getRule(deps.db, params.id)) }),
  }),
  route({
    method: 'post',
    path: '/api/routing/rules',
    summary: 'Add a dispatch rule: category (and optionally district, street, keyword) → lead and assisting units',
    tag: 'routing',
    access: ADMIN,
    status: 201,
    body: inputs.ruleInput,
    handler: async ({ deps, actor, body }) => {
      const r = await createRule(deps, actor, body);
      return { status: 201, body: presentRule(r), headers: { Location: `/api/routing/rules/${r.id}` } };
    },
  }),
  route({
    method: 'put',
    path: '/api/routing/rules/:id',
    summary: 'Replace a dispatch rule',
    tag: 'routing',
    access: ADMIN,
    params: z.object({ id: intId }),
    body: inputs.ruleInput,
    handler: async ({ deps, actor, params, body }) => ({ body: presentRule(await updateRule(deps, actor, params.id, body)) }),
  }),
  route({
    method: 'delete',
    path: '/api/routing/rules/:id',
    summary: 'Delete a dispatch rule (the audit log keeps it)',
    tag: 'routing',
    access: ADMIN,
    status: 204,
    params: z.object({ id: intId }),
    handler: async ({ deps, actor, params }) => {
      await deleteRule(deps, actor, params.id);
    },
  }),
  route({
    method: 'get',
    path: '/api/tickets/:id/suggestions',
    summary: 'Ranked lead / assisting / copied units for a ticket from the dispatch catalogue; accept or override with POST /api/tickets/:id/dispatch',
    tag: 'routing',
    access: ['dispatcher', 'supervisor'],
    params: idParam,
    handler: async ({ deps, actor, params }) => {
      const t = await loadTicket(deps.db, actor, params.id);
      return { body: presentSuggestions(t, await suggestionsFor(deps.db, t)) };
    },
  }),
  route({
    method: 'post',
    path: '/api/routing/locate',
    summary: 'Find the street and district for coordinates or an address, as intake will, so the operator can check or override before saving',
    tag: 'routing',
    access: ['operator', 'window_clerk', 'dispatcher'],
    body: inputs.locateInput,
    handler: async ({ deps, body }) => {
      const p = await locate(deps.db, body);
      return { body: { street: unitRef(p.street), district: unitRef(p.district), source: p.street ? p.source : null, matched: p.matched } };
    },
  }),
  route({
    method: 'get',
    path: '/api/routing/boundaries',
    summary: 'Street boundaries (GeoJSON, WGS84 [lng, lat]) with their bounding boxes',
    tag: 'routing',
    access: ['admin', 'dispatcher', 'supervisor', 'operator', 'window_clerk'],
    handler: async ({ deps }) => ({ body: { items: await listBoundaries(deps.db) } }),
  }),
  route({
    method: 'put',
    path: '/api/routing/boundaries/:unitId',
    summary: "Set a street's boundary: a GeoJSON Polygon, MultiPolygon, or a Feature holding one",
    tag: 'routing',
    access: ADMIN,
    params: z.object({ unitId: intId }),
    body: inputs.boundaryInput,
    handler: async ({ deps, actor, params, body }) => ({ body: await setBoundary(deps, actor, params.unitId, body) }),
  }),
  route({
    method: 'post',
    path: '/api/routing/boundaries',
    summary: 'Load street boundaries from a GeoJSON FeatureCollection whose features carry properties.unitCode (all or nothing)',
    tag: 'routing',
    access: ADMIN,
    body: inputs.boundaryCollectionInput,
    handler: async ({ deps, actor, body }) => ({ body: await importBoundaries(deps, actor, body) }),
  }),
  route({
    method: 'delete',
    path: '/api/routing/boundaries/:unitId',
    summary: "Remove a street's boundary",
    tag: 'routing',
    access: ADMIN,
    status: 204,
    params: z.object({ unitId: intId }),
    handler: async ({ deps, actor, params }) => {
      await deleteBoundary(deps, actor, params.unitId);
    },
  }),
];
