import { z } from 'zod';
import { eq } from 'drizzle-orm';
import { kbArticles } from '../../../db/schema/index.ts';
import { callerHistory, duplicateHints, searchKb } from '../../domain/tickets/aids.ts';
import { callerHistoryQuery, hintsQuery } from '../../domain/tickets/inputs.ts';
import { CENTRE_ROLES, UNIT_ROLES } from '../../domain/vocab.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { documentTerms } from '../../domain/kb/search-terms.ts';
import { audit } from '../../domain/audit.ts';
import { route, type AnyRoute } from '../route.ts';

const INTAKE_DESK = ['operator', 'window_clerk', 'dispatcher', 'supervisor'] as const;
const kbBody = z
  .object({
    title: z.string().trim().min(2).max(200),
    body: z.string().trim().min(2).max(20000),
    categoryId: z.number().int().positive().nullable().optional(),
    keywords: z.string().trim().max(500).default(''),
    active: z.boolean().default(true),
  })
  .strict();

export const aidRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/intake/caller-history',
    summary: "A caller's tickets by phone number, open ones first (audited)",
    tag: 'intake',
    access: [...INTAKE_DESK],
    query: callerHistoryQuery,
    handler: async ({ deps, actor, query }) => ({ body: { items: await callerHistory(deps.db, actor, query.phone, query.limit) } }),
  }),
  route({
    method: 'get',
    path: '/api/intake/duplicates',
    summary: 'Duplicate hints: open or recent tickets with the same phone, or the same category near the same address',
    tag: 'intake',
    access: [...INTAKE_DESK],
    query: hintsQuery,
    handler: async ({ deps, actor, query }) => ({
      body: { windowDays: deps.config.DUPLICATE_WINDOW_DAYS, items: await duplicateHints(deps.db, actor, query, deps.clock.now(), deps.config.DUPLICATE_WINDOW_DAYS) },
    }),
  }),
  route({
    method: 'get',
    path: '/api/kb/search',
    summary: 'Search the knowledge base in Chinese (bigram ranking)',
    tag: 'knowledge base',
    access: [...CENTRE_ROLES, ...UNIT_ROLES],
    query: z.object({ q: z.string().trim().min(1).max(100), limit: z.coerce.number().int().min(1).max(50).default(10) }),
    handler: async ({ deps, query }) => ({ body: { items: await searchKb(deps.db, query.q, query.limit) } }),
  }),
  route({
    method: 'get',
    path: '/api/kb/:id',
    summary: 'One knowledge-base article',
    tag: 'knowledge base',
    access: [...CENTRE_ROLES, ...UNIT_ROLES],
    params: z.object({ id: z.coerce.number().int().positive().max(2 ** 31 - 1) }),
    handler: async ({ deps, params }) => {
      const [a] = await deps.db.select().from(kbArticles).where(eq(kbArticles.id, params.id));
      if (!a) throw new NotFoundError();
      const { searchTerms: _omit, ...rest } = a;
      return { body: rest };
    },
  }),
  route({
    method: 'post',
    path: '/api/kb',
    summary: 'Create a knowledge-base article (admin)',
    tag: 'knowledge base',
    access: ['admin'],
    body: kbBody,
    status: 201,
    handler: async ({ deps, actor, body }) => {
      const [a] = await deps.db
        .insert(kbArticles)
        .values({ ...body, categoryId: body.categoryId ?? null, searchTerms: documentTerms(body.title, body.keywords, body.body) })
        .returning({ id: kbArticles.id });
      await audit(deps.db, actor, 'kb_created', { type: 'kb_article', id: a!.id });
      return { status: 201, body: { id: a!.id } };
    },
  }),
  route({
    method: 'put',
    path: '/api/kb/:id',
    summary: 'Replace a knowledge-base article (admin)',
    tag: 'knowledge base',
    access: ['admin'],
    params: z.object({ id: z.coerce.number().int().positive().max(2 ** 31 - 1) }),
    body: kbBody,
    handler: async ({ deps, actor, params, body }) => {
      const [a] = await deps.db
        .update(kbArticles)
        .set({ ...body, categoryId: body.categoryId ?? null, searchTerms: documentTerms(body.title, body.keywords, body.body), updatedAt: deps.clock.now() })
        .where(eq(kbArticles.id, params.id))
        .returning({ id: kbArticles.id });
      if (!a) throw new NotFoundError();
      await audit(deps.db, actor, 'kb_updated', { type: 'kb_article', id: a.id });
      return { body: { id: a.id } };
    },
  }),
];
