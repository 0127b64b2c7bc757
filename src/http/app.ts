import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Deps } from '../deps.ts';
import { authMiddleware } from './middleware/auth.ts';
import { isRawBodyRoute, refuseLoneSurrogates, requestContext, requireJson, securityHeaders } from './middleware/basics.ts';
import { problemMiddleware } from './problem.ts';
import { mount, openApiDocument, type AnyRoute } from './route.ts';
import { apiRoutes } from './routes/index.ts';
import { landingPage } from './landing.ts';
import { serveWeb } from './static.ts';
import { open311 } from './open311/router.ts';

const routers = new WeakMap<Koa, Router>();
/** The router an app serves (tests compare it with the OpenAPI document). */
export const routerOf = (app: Koa) => routers.get(app)!;

/** Builds the Koa app (no listen): middleware order is request id → problem mapping → headers → body → auth → routes. */
export function createApp(deps: Deps, routes: AnyRoute[] = apiRoutes): Koa {
  // Behind TRUST_PROXY, the client is the PROXY_HOPS-th X-Forwarded-For entry from the right: what our own proxies
  // appended, never what the client wrote in front of it.
  const app = new Koa({ proxy: deps.config.TRUST_PROXY, maxIpsCount: deps.config.PROXY_HOPS });
  app.silent = true;
  const router = new Router();
  const openapi = openApiDocument(routes);

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    try {
      await withTimeout(deps.database.query('select 1'), 2000);
      // A replica that is down leaves the instance ready but 'degraded': intake, the lifecycle and live events
      // need only the primary, and every instance shares the one replica, so failing readiness here would take
      // the whole pool out of the proxy at once. Metrics and reports answer 503 until it is back.
      const replica = deps.readDatabase ? await replicaState(deps.readDatabase) : undefined;
      ctx.body = { status: replica && replica.replica !== 'ok' ? 'degraded' : 'ready', database: 'ok', driver: deps.database.driver, ...replica };
    } catch {
      ctx.status = 503;
      ctx.set('Retry-After', '5');
      ctx.body = { status: 'unavailable', database: 'unreachable', driver: deps.database.driver };
    }
  });
  router.get('/api/openapi.json', (ctx) => {
    ctx.body = openapi;
  });
  router.get('/', (ctx) => {
    ctx.type = 'html';
    ctx.body = landingPage();
  });
  mount(router, deps, routes);

  // Behind a load balancer: which instance answered (INSTANCE_ID), also on errors.
  const servedBy = deps.config.INSTANCE_ID;
  if (servedBy) {
    app.use((ctx, next) => {
      ctx.set('X-Served-By', servedBy);
      return next();
    });
  }
  app.use(requestContext(deps.logger));
  app.use(problemMiddleware());
  app.use(securityHeaders({ hsts: deps.config.COOKIE_SECURE }));
  // Open311 GeoReport v2 has its own body formats, key parameter and error shape: it answers before /api's.
  app.use(open311(deps));
  app.use(serveWeb());
  app.use(requireJson());
  // Not on raw-body routes: their handler streams the body itself (parsing a JSON-typed upload here would
  // consume the stream and leave the handler waiting for bytes that never come).
  const parseJson = bodyParser({ enableTypes: ['json'], jsonLimit: deps.config.BODY_LIMIT, encoding: 'utf-8' });
  app.use((ctx, next) =>
    isRawBodyRoute(ctx)
      ? next()
      : parseJson(ctx, () => {
          refuseLoneSurrogates(ctx.request.body);
          return next();
        }),
  );
  app.use(authMiddleware(deps));
  app.use(router.routes());
  app.use(router.allowedMethods());
  routers.set(app, router);
  return app;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]).finally(() => clearTimeout(timer));
}

/** The read replica's health for /readyz: reachable, still replaying (a promoted replica is no longer one), lag. */
async function replicaState(replica: NonNullable<Deps['readDatabase']>) {
  try {
    const [r] = await withTimeout(
      replica.query<{ in_recovery: boolean; lag: number | null }>(
        'select pg_is_in_recovery() as in_recovery, extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 as lag',
      ),
      2000,
    );
    return { replica: 'ok' as const, replicaInRecovery: r!.in_recovery, replicaLagSeconds: r!.lag === null ? null : Math.round(r!.lag * 10) / 10 };
  } catch {
    return { replica: 'unreachable' as const };
  }
}
