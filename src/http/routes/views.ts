import { z } from 'zod';
import { createView, deleteView, updateView } from '../../domain/views/commands.ts';
import { createViewInput, updateViewInput } from '../../domain/views/inputs.ts';
import { listViews } from '../../domain/views/queries.ts';
import { CENTRE_ROLES, UNIT_ROLES, type Role } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';

const USERS: Role[] = [...CENTRE_ROLES, ...UNIT_ROLES, 'intake_client'];
const idParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
});

/** A user's saved ticket lists (我的视图), each with its count for the navigation. */
export const viewRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/views',
    summary: "The user's saved views in order, each with the list's count for its filters (counted up to 1000: countCapped says 1000+)",
    tag: 'views',
    access: USERS,
    handler: async ({ deps, actor }) => ({ body: { items: await listViews(deps.db, actor, deps.clock.now()) } }),
  }),
  route({
    method: 'post',
    path: '/api/views',
    summary: 'Save a view: a name (unique per user) and the filters of GET /api/tickets',
    tag: 'views',
    access: USERS,
    body: createViewInput,
    status: 201,
    handler: async ({ deps, actor, body }) => ({ status: 201, body: await createView(deps, actor, body) }),
  }),
  route({
    method: 'put',
    path: '/api/views/:id',
    summary: "Rename a view, change its filters or its position (the user's own views only)",
    tag: 'views',
    access: USERS,
    params: idParam,
    body: updateViewInput,
    handler: async ({ deps, actor, params, body }) => ({ body: await updateView(deps, actor, params.id, body) }),
  }),
  route({
    method: 'delete',
    path: '/api/views/:id',
    summary: 'Delete a view',
    tag: 'views',
    access: USERS,
    params: idParam,
    status: 204,
    handler: async ({ deps, actor, params }) => {
      await deleteView(deps, actor, params.id);
    },
  }),
];
