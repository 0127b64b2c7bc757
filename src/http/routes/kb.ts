import { createArticle, updateArticle } from '../../domain/kb/commands.ts';
import { articleInput, articleParams, searchQuery } from '../../domain/kb/inputs.ts';
import { getArticle, searchArticles } from '../../domain/kb/queries.ts';
import { CENTRE_ROLES, UNIT_ROLES } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';

/** The knowledge base (知识库): every staff member reads it, admins write it. */
export const kbRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/kb/search',
    summary: 'Search the knowledge base in Chinese (bigram ranking)',
    tag: 'knowledge base',
    access: [...CENTRE_ROLES, ...UNIT_ROLES],
    query: searchQuery,
    handler: async ({ deps, query }) => ({ body: { items: await searchArticles(deps.db, query.q, query.limit) } }),
  }),
  route({
    method: 'get',
    path: '/api/kb/:id',
    summary: 'One knowledge-base article',
    tag: 'knowledge base',
    access: [...CENTRE_ROLES, ...UNIT_ROLES],
    params: articleParams,
    handler: async ({ deps, params }) => ({ body: await getArticle(deps.db, params.id) }),
  }),
  route({
    method: 'post',
    path: '/api/kb',
    summary: 'Create a knowledge-base article (admin)',
    tag: 'knowledge base',
    access: ['admin'],
    body: articleInput,
    status: 201,
    handler: async ({ deps, actor, body }) => ({ status: 201, body: await createArticle(deps, actor, body) }),
  }),
  route({
    method: 'put',
    path: '/api/kb/:id',
    summary: 'Replace a knowledge-base article (admin)',
    tag: 'knowledge base',
    access: ['admin'],
    params: articleParams,
    body: articleInput,
    handler: async ({ deps, actor, params, body }) => ({ body: await updateArticle(deps, actor, params.id, body) }),
  }),
];
