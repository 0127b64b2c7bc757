import { z } from 'zod';
import { DRAFT_KEY, deleteDraft, readDraft, saveDraft } from '../../domain/drafts/drafts.ts';
import type { Role } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';

/** People who type into forms (a system with an intake token keeps no drafts). */
const PEOPLE: readonly Role[] = ['operator', 'window_clerk', 'dispatcher', 'unit_handler', 'unit_leader', 'callback_agent', 'supervisor', 'admin'];
const params = z.object({
  key: z.string().regex(DRAFT_KEY, 'intake, window, reply:<id>, callback:<id>, review:<id>, contact:<id>, dispatch:<id>, request:<id> or sub:<id>'),
});

export const draftRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/drafts/:key',
    summary: "The signed-in user's own draft of a form (body null when there is none)",
    tag: 'drafts',
    access: PEOPLE,
    params,
    handler: async ({ deps, actor, params }) => ({ body: await readDraft(deps.db, actor, params.key) }),
  }),
  route({
    method: 'put',
    path: '/api/drafts/:key',
    summary: "Keep the signed-in user's draft of a form (replaces the previous one; at most 64 KB as JSON, 200 drafts a user)",
    tag: 'drafts',
    access: PEOPLE,
    params,
    body: z.object({ body: z.record(z.string(), z.unknown()) }).strict(),
    handler: async ({ deps, actor, params, body }) => ({ body: await saveDraft(deps, actor, params.key, body.body) }),
  }),
  route({
    method: 'delete',
    path: '/api/drafts/:key',
    summary: "Drop the signed-in user's draft of a form (the form was saved or abandoned)",
    tag: 'drafts',
    access: PEOPLE,
    params,
    status: 204,
    handler: async ({ deps, actor, params }) => {
      await deleteDraft(deps.db, actor, params.key);
    },
  }),
];
