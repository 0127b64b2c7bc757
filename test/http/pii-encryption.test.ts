/**
 * Callers' personal data at rest: SM4 ciphertext in every caller column after intake (tickets, contacts, the SMS
 * outbox, drafts), read back whole through the API where the reader may see it (masked as before), found by the
 * blind indexes (caller history, duplicate hints, search by number and name, the citizen look-up), a tampered value
 * refused, and key rotation (t1 → t2) with legacy plaintext rows encrypted and indexed while reads keep working.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { keyringOf, TEST_KEYS, useKeyring, type KeyFile } from '../../src/domain/privacy/keyring.ts';
import { nameIndex, phoneIndex } from '../../src/domain/privacy/caller-index.ts';
import { reencryptAll, remainingOutsideActiveKey } from '../../src/domain/privacy/encryption-backfill.ts';
import { checkKeysAgainstData, KeyMismatchError } from '../../src/domain/privacy/key-check.ts';
import { api, database, deps, w } from './api-world.ts';
import { callBody } from '../setup/world.ts';
import { intake, newTicket, useIntakeWorld } from './intake-fixtures.ts';

useIntakeWorld();

const T2: KeyFile = { ...TEST_KEYS, data: { ...TEST_KEYS.data, t2: 'aa'.repeat(32) }, active: 't2' };
afterEach(() => useKeyring(keyringOf(TEST_KEYS)));

const raw = <T>(q: string, params: unknown[] = []) => database.query<T>(q, params);
const get = (path: string, token = w.dispatcher.token) => api.call('GET', path, { token });

type CallerCols = { caller_phone: string | null; caller_name: string | null; caller_phone_index: string | null };

function expectSealed(value: string | null, keyId: string, ...secrets: string[]) {
  expect(value).toMatch(new RegExp(`^sm4:${keyId}:[A-Za-z0-9_-]+$`));
  for (const s of secrets) expect(value).not.toContain(s);
}

describe('at rest', () => {
  it('intake leaves no plaintext name or number in tickets, contacts, the SMS outbox or drafts; the API still shows them', async () => {
    const phone = '13912340501';
    const t = await newTicket({ caller: { name: '钱女士', phone } });
    const repeat = await intake(
      w.operator.token,
      callBody(w.category.id, { caller: { name: '孙先生', phone: '13912340502' }, disposition: { kind: 'repeat', ticketId: t.id } }),
    );
    expect([repeat.status, repeat.body.linked]).toEqual([200, true]);

    const [ticket] = await raw<CallerCols & { caller_name_index: string }>('select * from tickets where id = $1', [t.id]);
    expectSealed(ticket!.caller_phone, 't1', phone, phone.slice(-4));
    expectSealed(ticket!.caller_name, 't1', '钱');
    expect(ticket).toMatchObject({ caller_phone_index: phoneIndex(phone), caller_name_index: nameIndex('钱女士') });
    const contacts = await raw<CallerCols>('select * from contacts where ticket_id = $1 order by id', [t.id]);
    expect(contacts).toHaveLength(2);
    for (const c of contacts) {
      expectSealed(c.caller_phone, 't1', '1391234050');
      expectSealed(c.caller_name, 't1', '女士', '先生');
    }
    expect(contacts.map((c) => c.caller_phone_index)).toEqual([phoneIndex(phone), phoneIndex('13912340502')]);
    const sms = await raw<{ recipient: string }>('select recipient from notifications where ticket_id = $1', [t.id]);
    expect(sms.length).toBeGreaterThan(0);
    for (const n of sms) expectSealed(n.recipient, 't1', phone);

    const draft = await api.call('PUT', '/api/drafts/intake', { token: w.operator.token, body: { body: { caller: { name: '钱女士', phone } } } });
    expect(draft.status).toBe(200);
    const [d] = await raw<{ body: { sealed: string } }>(`select body from drafts where user_id = $1 and key = 'intake'`, [w.operator.id]);
    expect(Object.keys(d!.body)).toEqual(['sealed']);
    expectSealed(d!.body.sealed, 't1', phone, '钱女士');
    expect((await api.call('GET', '/api/drafts/intake', { token: w.operator.token })).body.body).toEqual({ caller: { name: '钱女士', phone } });

    // Read back whole by the centre's detail view, masked in lists, as before encryption.
    expect((await get(`/api/tickets/${t.id}`)).body.caller).toMatchObject({ name: '钱女士', phone, masked: false });
    const list = await get(`/api/tickets?phone=${phone}`);
    expect(list.body.items.map((i: { id: number }) => i.id)).toEqual([t.id]);
    expect(list.body.items[0].caller).toMatchObject({ name: '钱女士', phone: '139****0501', masked: true });
  });

  it('caller history, duplicate hints, search by whole number, last four digits and exact name, and the citizen look-up still find the caller', async () => {
    const phone = '13912340601';
    const a = await newTicket({ caller: { name: '周先生', phone } });
    const b = await newTicket({ caller: { name: '周先生', phone }, content: '另一件事：楼道灯不亮，已经一个星期了，请物业尽快维修' });
    const ids = (r: { body: { items: { id: number }[] } }) => r.body.items.map((i) => i.id).sort();
    expect(ids(await get(`/api/intake/caller-history?phone=${phone}`, w.operator.token))).toEqual([a.id, b.id].sort());
    const hints = await get(`/api/intake/duplicates?phone=${encodeURIComponent('+86 139-1234-0601')}`, w.operator.token);
    expect(hints.body.items.map((h: { ticket: { id: number } }) => h.ticket.id).sort()).toEqual([a.id, b.id].sort());
    expect(ids(await get(`/api/tickets?phone=${phone}`))).toEqual([a.id, b.id].sort());
    expect(ids(await get('/api/tickets?phone=0601'))).toEqual([a.id, b.id].sort());
    expect(ids(await get(`/api/tickets?name=${encodeURIComponent('周先生')}`))).toEqual([a.id, b.id].sort());
    const partial = await get('/api/tickets?phone=340601');
    expect([partial.status, partial.body.code]).toEqual([422, 'phone_filter_partial']);
    const look = await api.call('GET', `/api/public/lookup?number=${a.number}&last4=0601`);
    expect(look.status).toBe(200);
    expect(JSON.stringify(look.body)).not.toContain(phone);
  });

  it('a tampered ciphertext is refused, not shown as garbage', async () => {
    const t = await newTicket({ caller: { name: '吴女士', phone: '13912340701' } });
    const [row] = await raw<{ caller_phone: string }>('select caller_phone from tickets where id = $1', [t.id]);
    const body = row!.caller_phone.slice(-10);
    const flipped = row!.caller_phone.slice(0, -10) + (body[0] === 'A' ? 'B' : 'A') + body.slice(1);
    await raw('update tickets set caller_phone = $1 where id = $2', [flipped, t.id]);
    const r = await get(`/api/tickets/${t.id}`);
    expect([r.status, r.body.code]).toEqual([500, 'personal_data_unreadable']);
    expect(JSON.stringify(r.body)).not.toContain('1391234');
    await raw('update tickets set caller_phone = $1 where id = $2', [row!.caller_phone, t.id]);
    expect((await get(`/api/tickets/${t.id}`)).status).toBe(200);
  });
});

describe('key rotation', () => {
  it('re-encrypts everything under t2 in batches while reads keep working; legacy plaintext rows get encrypted and indexed', async () => {
    const sealed = await newTicket({ caller: { name: '郑先生', phone: '13912340801' } });
    // A ticket and its contact from before encryption: plaintext, no blind index.
    const legacy = await newTicket({ caller: { name: '冯女士', phone: '13912340802' } });
    await raw('update tickets set caller_phone = $1, caller_name = $2, caller_phone_index = null, caller_name_index = null where id = $3', [
      '13912340802',
      '冯女士',
      legacy.id,
    ]);
    await raw('update contacts set caller_phone = $1, caller_name = $2, caller_phone_index = null where ticket_id = $3', ['13912340802', '冯女士', legacy.id]);
    await raw('update notifications set recipient = $1 where ticket_id = $2', ['13912340802', legacy.id]);
    expect((await get(`/api/tickets/${legacy.id}`)).body.caller).toMatchObject({ name: '冯女士', phone: '13912340802' });
    expect(await checkKeysAgainstData(deps.db, 'test')).toEqual({ legacy: true, rotation: false });

    // The new key file: t2 active, t1 kept. Everything still reads; new writes go under t2. The start-up check
    // sees values under t1: a server started now re-encrypts in the background.
    useKeyring(keyringOf(T2));
    expect(await checkKeysAgainstData(deps.db, 'test')).toMatchObject({ rotation: true });
    expect((await get(`/api/tickets/${sealed.id}`)).body.caller).toMatchObject({ name: '郑先生', phone: '13912340801' });
    const before = await remainingOutsideActiveKey(deps.db);
    expect(before.tickets).toMatchObject({ t1: expect.any(Number), plaintext: 2, 'missing index': 2 });

    // Tickets keep arriving while it runs (as beside a running instance): each written under t2, none missed.
    const [report, ...during] = await Promise.all([
      reencryptAll(deps.db, { batchSize: 2 }),
      ...[0, 1, 2, 3].map((i) => newTicket({ caller: { name: `轮换${i}`, phone: `1391234081${i}` } })),
    ]);
    expect(report.remaining).toEqual({});
    expect(await remainingOutsideActiveKey(deps.db)).toEqual({});
    for (const [i, t] of during.entries()) expect((await get(`/api/tickets/${t.id}`)).body.caller).toMatchObject({ name: `轮换${i}`, phone: `1391234081${i}` });
    expect(report.tables.find((t) => t.table === 'tickets')!.indexes).toBe(2);
    for (const table of ['tickets', 'contacts']) {
      const rows = await raw<CallerCols>(`select caller_phone, caller_name, caller_phone_index from ${table}`);
      for (const r of rows) {
        if (r.caller_phone !== null) expectSealed(r.caller_phone, 't2');
        if (r.caller_name !== null) expectSealed(r.caller_name, 't2');
        expect(r.caller_phone_index).not.toBeNull();
      }
    }
    for (const n of await raw<{ recipient: string }>('select recipient from notifications')) expectSealed(n.recipient, 't2');
    // The legacy caller is now found by number and by name, and reads show the same values.
    expect((await get('/api/intake/caller-history?phone=13912340802', w.operator.token)).body.items.map((i: { id: number }) => i.id)).toEqual([legacy.id]);
    expect((await get(`/api/tickets?name=${encodeURIComponent('冯女士')}`)).body.items.map((i: { id: number }) => i.id)).toEqual([legacy.id]);
    expect((await get(`/api/tickets/${legacy.id}`)).body.caller).toMatchObject({ name: '冯女士', phone: '13912340802' });
    // Once nothing is under t1, a keyring without it still reads everything.
    useKeyring(keyringOf({ ...T2, data: { t2: T2.data.t2! } }));
    expect((await get(`/api/tickets/${sealed.id}`)).body.caller).toMatchObject({ name: '郑先生', phone: '13912340801' });
    // A second run has nothing to do, and the start-up check sees no rotation left.
    expect((await reencryptAll(deps.db)).tables.every((t) => t.rows === 0)).toBe(true);
    expect(await checkKeysAgainstData(deps.db, 'test')).toEqual({ legacy: false, rotation: false });
  });

  it('the start-up check refuses keys that lack a data key the stored ciphertext names', async () => {
    await newTicket({ caller: { name: '陈先生', phone: '13912340901' } });
    useKeyring(keyringOf({ ...TEST_KEYS, data: { t9: 'bb'.repeat(32) }, active: 't9' }));
    const err = await checkKeysAgainstData(deps.db, 'KEY_FILE x').catch((e) => e);
    expect(err).toBeInstanceOf(KeyMismatchError);
    expect(err.message).toMatch(/data key "t(1|2)"/);
  });
});
