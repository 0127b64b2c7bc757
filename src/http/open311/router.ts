/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2, with mySociety's
 * servicerequestupdates extension. A world of its own beside /api: the format comes from the path's
 * extension (.json or .xml), POST bodies are form-encoded (JSON accepted too), the key is the api_key
 * parameter rather than a header, and every error is the spec's `[{code, description}]` with HTTP 400,
 * 403 or 404 — never problem+json, and never a 5xx for bad input.
 */
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware, Next } from 'koa';
import {
  createdRequest,
  discovery,
  encode,
  errorEntry,
  requestUpdate,
  serviceDefinition,
  serviceEntry,
  serviceRequest,
  tokenEntry,
  type Format,
} from '../../adapters/open311/georeport.ts';
import type { Deps } from '../../deps.ts';
import { DomainError, ValidationError } from '../../domain/errors.ts';
import { Open311Error, open311Message, type Open311MessageKey } from '../../domain/open311/errors.ts';
import { open311Actor, submitServiceRequest } from '../../domain/open311/intake.ts';
import { dateWindow, requestFilter, type Params } from '../../domain/open311/inputs.ts';
import { findRequest, findRequests, findToken } from '../../domain/open311/requests.ts';
import { findPublicService, publicServices } from '../../domain/open311/services.ts';
import { findUpdates } from '../../domain/open311/updates.ts';
import { message, pickLocale, type Locale } from '../../i18n/messages.ts';
import { translate } from '../problem.ts';
import { refuseLoneSurrogates } from '../middleware/basics.ts';

export const OPEN311_PREFIX = '/open311/v2';
/** Bumped when the service list or definitions change shape (the discovery document's changeset). */
export const CHANGESET = '2026-03-10T00:00:00+08:00';
const BODY_LIMIT = '100kb';
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._~-]{8,200}$/;

const formatOfPath = (path: string): Format => (/\.json$/i.test(path) ? 'json' : 'xml');

function format(ctx: Context): Format {
  const f = String(ctx.params.format ?? '').toLowerCase();
  if (f !== 'json' && f !== 'xml') throw Open311Error.of(404, 'format_unsupported', { format: f.slice(0, 20) });
  return f;
}

/** One response in the asked format (georeport.ts); `root` is the XML document element. */
function send(ctx: Context, fmt: Format, root: string, value: unknown, status = 200) {
  const { type, body } = encode(fmt, root, value);
  ctx.status = status;
  ctx.type = type;
  ctx.body = body;
}

const params = (ctx: Context): Params => ({ ...(ctx.query as Params) });
const bodyOf = (ctx: Context): Params => {
  const b = (ctx.request as { body?: unknown }).body;
  return b && typeof b === 'object' && !Array.isArray(b) ? (b as Params) : {};
};

function routes(deps: Deps): Router {
  const router = new Router({ prefix: OPEN311_PREFIX });

  router.get('/discovery.:format', (ctx) => {
    const base = deps.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
    send(
      ctx,
      format(ctx),
      'discovery',
      discovery({
        url: base + OPEN311_PREFIX,
        changeset: CHANGESET,
        contact: '12345 政务服务便民热线中心（接口问题请联系中心系统管理员）',
        keyService:
          'api_key 由热线中心安全管理员为接入方签发：安全管理员为 intake_client 账号调用 POST /api/security/tokens，吊销用 DELETE /api/security/tokens/{id}。',
      }),
    );
  });

  router.get('/services.:format', async (ctx) => {
    const fmt = format(ctx);
    send(ctx, fmt, 'services', (await publicServices(deps.db)).map(serviceEntry));
  });

  router.get('/services/:code.:format', async (ctx) => {
    const fmt = format(ctx);
    const service = await findPublicService(deps.db, ctx.params.code!);
    if (!service) throw Open311Error.of(404, 'service_not_found', { code: ctx.params.code!.slice(0, 100) });
    send(ctx, fmt, 'service_definition', serviceDefinition(service));
  });

  router.post('/requests.:format', async (ctx) => {
    const fmt = format(ctx);
    const body = bodyOf(ctx);
    const key = ctx.get('idempotency-key') || undefined;
    const apiKey = typeof body.api_key === 'string' ? body.api_key : typeof ctx.query.api_key === 'string' ? ctx.query.api_key : undefined;
    const actor = await open311Actor(deps, apiKey?.trim() || undefined, { ip: ctx.ip || null, requestId: ctx.state.requestId ?? null });
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) throw Open311Error.of(400, 'idempotency_key_invalid');
    const r = await submitServiceRequest(deps, actor, body, { idempotencyKey: key });
    const number = r.ticket.number;
    if (r.replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.set('Location', `${OPEN311_PREFIX}/requests/${number}.${fmt}`);
    send(
      ctx,
      fmt,
      'service_requests',
      [createdRequest(number, `诉求已受理，编号 ${number}。热线中心将交承办单位办理并回访；可凭编号查询办理进度。`)],
      r.replayed ? 200 : 201,
    );
  });

  router.get('/requests.:format', async (ctx) => {
    const fmt = format(ctx);
    send(ctx, fmt, 'service_requests', (await findRequests(deps.db, requestFilter(params(ctx), deps.clock.now()))).map(serviceRequest));
  });

  router.get('/requests/:id.:format', async (ctx) => {
    const fmt = format(ctx);
    send(ctx, fmt, 'service_requests', [serviceRequest(await findRequest(deps.db, ctx.params.id!))]);
  });

  router.get('/tokens/:token.:format', async (ctx) => {
    const fmt = format(ctx);
    const token = ctx.params.token!;
    send(
      ctx,
      fmt,
      'service_requests',
      (await findToken(deps.db, token)).map((number) => tokenEntry(number, token)),
    );
  });

  router.get('/servicerequestupdates.:format', async (ctx) => {
    const fmt = format(ctx);
    send(ctx, fmt, 'service_request_updates', (await findUpdates(deps.db, dateWindow(params(ctx), deps.clock.now()))).map(requestUpdate));
  });

  return router;
}

/** One entry of the error list: an Open311 message, a shared domain code (its text is in i18n), or a ready text. */
type SpecErrorItem = { key: Open311MessageKey; params?: Record<string, unknown> } | { code: string; params: Record<string, unknown> } | { text: string };
type SpecError = { status: number; errors: SpecErrorItem[] };

/** Every failure as the spec's error list: 400 for what the client must fix, 403 for the key, 404 for what does not exist. */
function specError(err: unknown, ctx: Context): SpecError {
  if (err instanceof Open311Error) return { status: err.status, errors: err.problems };
  const e = translate(err);
  if (e instanceof ValidationError) {
    if (e.code === 'invalid_json') return { status: 400, errors: [{ key: 'body_unreadable' }] };
    if (!e.issues.length) return { status: 400, errors: [{ code: e.code, params: e.params }] };
    return { status: 400, errors: e.issues.map((i) => ({ text: `${i.path}: ${i.message}` })) };
  }
  if (e instanceof DomainError) {
    if (e.code === 'payload_too_large') return { status: 400, errors: [{ key: 'body_too_large', params: { limit: BODY_LIMIT } }] };
    if (e.code === 'unsupported_media_type') return { status: 400, errors: [{ key: 'content_type_unsupported' }] };
    if (e.status === 401 || e.status === 403) return { status: 403, errors: [{ key: 'api_key_invalid' }] };
    if (e.status === 404) return { status: 404, errors: [{ code: e.code, params: e.params }] };
    // 409 and 422 from the shared intake (category_unknown, idempotency_key_reused …): the spec knows only 400.
    if (e.status < 500) return { status: 400, errors: [{ code: e.code, params: e.params }] };
    return { status: e.status, errors: [{ key: 'unavailable' }] };
  }
  ctx.state.log?.error({ err }, 'open311: unhandled error');
  return { status: 500, errors: [{ key: 'internal_error', params: { requestId: ctx.state.requestId } }] };
}

function describe(e: SpecErrorItem, locale: Locale): string {
  if ('key' in e) return open311Message(e.key, locale, e.params);
  if ('code' in e) return message(e.code, locale, e.params);
  return e.text;
}

function writeErrors(ctx: Context, fmt: Format, se: SpecError) {
  const locale = pickLocale(ctx.get('accept-language'));
  if (se.status === 503) ctx.set('Retry-After', '5');
  send(
    ctx,
    fmt,
    'errors',
    se.errors.map((e) => errorEntry(se.status, describe(e, locale))),
    se.status,
  );
}

/** The Open311 endpoints as one middleware, mounted in createApp ahead of the /api body parser and auth. */
export function open311(deps: Deps): Middleware {
  const router = routes(deps);
  // The router's middleware types want a router context; they set it up themselves.
  const dispatch = router.routes() as unknown as Middleware;
  const allowed = router.allowedMethods() as unknown as Middleware;
  const parse = bodyParser({ enableTypes: ['form', 'json'], formLimit: BODY_LIMIT, jsonLimit: BODY_LIMIT, encoding: 'utf-8' });
  const noop = async () => {};

  return async (ctx: Context, next: Next) => {
    if (ctx.path !== '/open311' && !ctx.path.startsWith('/open311/')) return next();
    const fmt = formatOfPath(ctx.path);
    try {
      if (ctx.method === 'POST' && (Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding'))) {
        if (!ctx.is('application/x-www-form-urlencoded', 'application/json')) throw Open311Error.of(400, 'content_type_unsupported');
      }
      await parse(ctx, async () => {
        refuseLoneSurrogates(ctx.request.body);
        await dispatch(ctx, noop);
        await allowed(ctx, noop);
      });
      if (ctx.status === 405) {
        throw Open311Error.of(400, 'method_not_allowed', { path: ctx.path.slice(0, 200), method: ctx.method });
      }
      if (ctx.status === 404 && ctx.body == null) throw Open311Error.of(404, 'route_not_found', { path: ctx.path.slice(0, 200) });
    } catch (err) {
      writeErrors(ctx, fmt, specError(err, ctx));
    }
  };
}
