import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, makeDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { callBody, makeWorld, type World } from '../setup/world.ts';
import type { Database } from '../../db/client.ts';

let database: Database;
let api: Api;
let w: World;

beforeAll(async () => {
  database = await freshDatabase();
  const deps = makeDeps(database);
  api = await startApi(deps);
  w = await makeWorld(deps.db);
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

describe('smoke', () => {
  it('an operator logs a call and it reaches dispatch', async () => {
    const r = await api.call('POST', '/api/tickets', { token: w.operator.token, body: callBody(w.category.id) });
    expect(r.status).toBe(201);
    expect(r.body.number).toMatch(/^20260310-\d{6}$/);
    expect(r.body.status).toBe('awaiting_dispatch');
    expect(r.body.channel).toBe('phone');
  });
});
