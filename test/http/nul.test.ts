/**
 * A NUL character (\0) is text PostgreSQL will not store or compare: wherever one arrives — a query filter,
 * a ticket's content — the answer is a 400 with its own code, never a 500, and nothing is written.
 * (Found by the fuzzer: `GET /api/admin/audit?action=1%00` was a 500 on PostgreSQL.)
 * A lone UTF-16 surrogate, which JSON can spell as "\ud800", is no character either: refused with its own code
 * (found by the fuzzer: an appeal's reason went into an event's jsonb payload, which PostgreSQL refused with 22P02).
 */
import { describe, expect, it } from 'vitest';
import { callBody } from '../setup/world.ts';
import { api, database, useApiWorld, w } from './api-world.ts';

useApiWorld();

describe('a NUL character in text', () => {
  it('in a query filter is a 400 text_nul_refused', async () => {
    const r = await api.call('GET', '/api/audit?action=1%00', { token: w.auditAdmin.token });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body).toMatchObject({ code: 'text_nul_refused' });
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it("in a ticket's content is a 400, and no ticket is written", async () => {
    const before = await database.query<{ n: number }>('select count(*)::int as n from tickets');
    const r = await api.call('POST', '/api/tickets', {
      token: w.operator.token,
      body: callBody(w.category.id, { content: '路灯不亮\u0000已经三天了，请尽快处理' }),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body).toMatchObject({ code: 'text_nul_refused' });
    const after = await database.query<{ n: number }>('select count(*)::int as n from tickets');
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});

describe('a lone UTF-16 surrogate in a JSON body', () => {
  const count = async () => (await database.query<{ n: number }>('select count(*)::int as n from tickets'))[0]!.n;

  it.each([
    ['a value', { content: '路灯不亮\ud800已经三天了，请尽快处理' }],
    ['a key', { extra: { '\udc00': 'x' } }],
  ])('in %s is a 400 text_surrogate_refused, and no ticket is written', async (_, over) => {
    const before = await count();
    const r = await api.call('POST', '/api/tickets', { token: w.operator.token, body: { ...callBody(w.category.id), ...over } });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body).toMatchObject({ code: 'text_surrogate_refused' });
    expect(await count()).toBe(before);
  });

  it('a surrogate pair (an emoji) is a character and is kept', async () => {
    const r = await api.call('POST', '/api/tickets', {
      token: w.operator.token,
      body: callBody(w.category.id, { content: '路灯不亮😀已经三天了，请尽快处理' }),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const [row] = await database.query<{ content: string }>('select content from tickets where id = $1', [(r.body as { id: number }).id]);
    expect(row!.content).toContain('😀');
  });
});
