import type Router from '@koa/router';
import type { Context } from 'koa';
import { z, type ZodType } from 'zod';
import type { Deps } from '../deps.ts';
import type { Role } from '../domain/vocab.ts';
import { ForbiddenError, UnauthenticatedError, ValidationError, type ValidationIssue } from '../domain/errors.ts';
import type { Actor } from '../domain/auth/actor.ts';
import { openWhileRestricted, restrictionError } from '../domain/auth/sign-in-policy.ts';
import { isAdminRole } from '../domain/org/roles.ts';
import { auditedForAdministrator } from './admin-audit.ts';

/**
 * A route is a pipeline: authenticate → validate → command → present. Definitions are data, so the
 * same list registers the Koa routes and generates the OpenAPI document (no route can be missing from it).
 * A request of one of the three administrators is also audited, whatever the route and its outcome
 * (./admin-audit.ts).
 */
export type Method = 'get' | 'post' | 'put' | 'delete';

export type Access = 'public' | 'authenticated' | readonly Role[];

export type RouteInput<P, Q, B> = {
  deps: Deps;
  actor: Actor;
  params: P;
  query: Q;
  body: B;
  ctx: Context;
};

// biome-ignore lint/suspicious/noConfusingVoidType: a handler that answers 204 simply returns nothing
export type RouteResult = { status?: number; body?: unknown; headers?: Record<string, string> } | void;

export type RouteDef<P = unknown, Q = unknown, B = unknown> = {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** Successful status for the docs (default 200) */
  status?: number;
  /** Response description for the docs */
  responseDescription?: string;
  /** Request headers documented (e.g. Idempotency-Key) */
  headers?: { name: string; description: string; required?: boolean }[];
  /** A body that is not JSON, read by the handler itself (e.g. a file upload), for the docs */
  rawBody?: { description: string; mediaTypes: string[] };
  handler: (input: RouteInput<P, Q, B>) => Promise<RouteResult>;
};

// biome-ignore lint/suspicious/noExplicitAny: the route table holds routes of every parameter, query and body type
export type AnyRoute = RouteDef<any, any, any>;

export function route<P = Record<string, never>, Q = Record<string, never>, B = undefined>(def: RouteDef<P, Q, B>): AnyRoute {
  return def as AnyRoute;
}

function issuesOf(err: z.ZodError, prefix: string): ValidationIssue[] {
  return err.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    code: i.code,
    message: i.message,
  }));
}

export function parse<T>(schema: ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return value as T;
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(issuesOf(r.error, where));
  return r.data;
}

export function mount(router: Router, deps: Deps, routes: AnyRoute[]): void {
  for (const def of routes) {
    router[def.method](def.path, async (ctx: Context) => {
      const actor = ctx.state.actor as Actor | undefined;
      if (actor && isAdminRole(actor.role)) await auditedForAdministrator(deps, def, ctx, actor, () => run(deps, def, ctx, actor));
      else await run(deps, def, ctx, actor);
    });
  }
}

async function run(deps: Deps, def: AnyRoute, ctx: Context, actor: Actor | undefined): Promise<void> {
  if (def.access !== 'public') {
    if (!actor) throw new UnauthenticatedError(ctx.state.authError ?? 'unauthenticated');
    if (def.access !== 'authenticated' && !def.access.includes(actor.role)) throw new ForbiddenError();
    // A session that has not met the sign-in policy yet may only finish signing in and fix its own account.
    if (actor.restriction && !openWhileRestricted(def.path)) throw restrictionError(actor.restriction);
  }
  const params = parse(def.params, ctx.params, 'params');
  const query = parse(def.query, ctx.query, 'query');
  const body = parse(def.body, (ctx.request as { body?: unknown }).body ?? {}, 'body');
  const result = await def.handler({ deps, actor: actor as Actor, params, query, body, ctx });
  if (result) {
    for (const [k, v] of Object.entries(result.headers ?? {})) ctx.set(k, v);
    ctx.status = result.status ?? 200;
    if (result.body !== undefined) ctx.body = result.body;
  } else {
    ctx.status = 204;
  }
}

function jsonSchema(schema: ZodType): Record<string, unknown> {
  const s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  delete s.$schema;
  return s;
}

/** OpenAPI 3.1 generated from the same definitions and zod schemas that validate requests. */
export function openApiDocument(routes: AnyRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const problem = { $ref: '#/components/responses/Problem' };
  for (const def of routes) {
    const p = def.path.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', def.params],
      ['query', def.query],
    ] as const) {
      if (!schema) continue;
      const js = jsonSchema(schema);
      const props = (js.properties ?? {}) as Record<string, unknown>;
      const required = new Set((js.required as string[] | undefined) ?? []);
      for (const [name, s] of Object.entries(props)) {
        parameters.push({ name, in: where, required: where === 'path' || required.has(name), schema: s });
      }
    }
    for (const h of def.headers ?? []) {
      parameters.push({ name: h.name, in: 'header', required: !!h.required, description: h.description, schema: { type: 'string' } });
    }
    const responses: Record<string, unknown> = {
      [String(def.status ?? 200)]: { description: def.responseDescription ?? 'OK' },
      '400': problem,
    };
    if (def.access !== 'public') {
      responses['401'] = problem;
      responses['403'] = problem;
    }
    if (def.path.includes(':')) responses['404'] = problem;
    if (def.method !== 'get') {
      responses['409'] = problem;
      responses['413'] = problem;
      responses['415'] = problem;
      responses['422'] = problem;
    }
    const op: Record<string, unknown> = {
      summary: def.summary,
      tags: [def.tag],
      operationId: `${def.method}_${def.path.replace(/[^a-zA-Z0-9]+/g, '_').replace(/^_|_$/g, '')}`,
      parameters,
      responses,
      'x-access': def.access === 'public' || def.access === 'authenticated' ? def.access : [...def.access],
    };
    if (def.access !== 'public') op.security = [{ cookieSession: [] }, { bearer: [] }];
    else op.security = [];
    if (def.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(def.body) } } };
    else if (def.rawBody) {
      op.requestBody = {
        required: true,
        description: def.rawBody.description,
        content: Object.fromEntries(def.rawBody.mediaTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
      };
    }
    (paths[p] ??= {})[def.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'jiesu 接诉 API',
      version: '0.1.0',
      description:
        'The 12345 hotline ticket API. Errors are application/problem+json with a stable `code`. ' +
        'Cookie sessions need the X-CSRF-Token header on writes; API clients use `Authorization: Bearer <token>`.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        cookieSession: { type: 'apiKey', in: 'cookie', name: 'jiesu_session' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      responses: {
        Problem: {
          description: 'Problem details (RFC 9457)',
          content: {
            'application/problem+json': {
              schema: {
                type: 'object',
                required: ['type', 'title', 'status', 'code'],
                properties: {
                  type: { type: 'string' },
                  title: { type: 'string' },
                  status: { type: 'integer' },
                  code: { type: 'string' },
                  detail: { type: 'string' },
                  instance: { type: 'string' },
                  requestId: { type: 'string' },
                  issues: { type: 'array', items: { type: 'object' } },
                },
              },
            },
          },
        },
      },
    },
  };
}
