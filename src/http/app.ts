import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Deps } from '../deps.ts';
import { authMiddleware } from './middleware/auth.ts';
import { requestContext, requireJson, securityHeaders } from './middleware/basics.ts';
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
  const app = new Koa({ proxy: deps.config.TRUST_PROXY });
  app.silent = true;
  const router = new Router();
  const openapi = openApiDocument(routes);

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    try {
      await Promise.race([
        deps.database.query('select 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
      ]);
      ctx.body = { status: 'ready', database: 'ok', driver: deps.database.driver };
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

  app.use(requestContext(deps.logger));
  app.use(problemMiddleware());
  app.use(securityHeaders());
  // Open311 GeoReport v2 has its own body formats, key parameter and error shape: it answers before /api's.
  app.use(open311(deps));
  app.use(serveWeb());
  app.use(requireJson());
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: deps.config.BODY_LIMIT, encoding: 'utf-8' }));
  app.use(authMiddleware(deps));
  app.use(router.routes());
  app.use(router.allowedMethods());
  routers.set(app, router);
  return app;
}
