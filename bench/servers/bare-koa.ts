/** A bare server's Koa app (body parser and the router, nothing else) served to the parent as a bench child. */
import http from 'node:http';
import Koa from 'koa';
import type Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { serveParent } from './child.ts';

export function serveBare(router: Router, close: () => Promise<unknown>) {
  const app = new Koa();
  app.use(bodyParser());
  app.use(router.routes());
  const server = http.createServer(app.callback());
  serveParent(server, {
    // The requests still in flight first (a closed loop's last ones), then the database: ending the pool under them
    // failed them, and Koa printed each failure.
    stop: async () => {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => (server.closeAllConnections(), resolve()), 5000);
        server.close(() => (clearTimeout(t), resolve()));
      });
      await close();
    },
  });
}
