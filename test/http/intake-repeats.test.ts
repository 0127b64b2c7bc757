/** Intake twice for one matter: a repeat contact linked to the open ticket (并单), and the Idempotency-Key a client retries with. */
import { describe, expect, it } from 'vitest';
import { callBody, makeUser } from '../setup/world.ts';
import { api, deps, w } from './api-world.ts';
import { countTickets, intake, newTicket, rowCount, ticketsOfPhone, useIntakeWorld } from './intake-fixtures.ts';
import { phoneIndex } from '../../src/domain/privacy/caller-index.ts';

useIntakeWorld();

describe('repeat contacts (并单 at intake)', () => {
  it('links the contact to the open ticket instead of opening a new one', async () => {
    const target = await newTicket({ caller: { name: '赵女士', phone: '13900000031' } });
    const before = await countTickets();
    const r = await intake(
      w.operator.token,
      callBody(w.category.id, { caller: { name: '钱先生', phone: '13900000032' }, disposition: { kind: 'repeat', ticketId: target.id } }),
    );
    expect(r.status).toBe(200);
    expect(r.body.linked).toBe(true);
    expect(r.body.id).toBe(target.id);
    expect(r.body.number).toBe(target.number);
    expect(r.body.contacts).toBe(target.contacts + 1);
    expect(r.body.version).toBe(target.version + 1);
    expect(await countTickets()).toBe(before);
    expect(await ticketsOfPhone('13900000032')).toBe(0);

    const events = await api.call('GET', `/api/tickets/${target.id}/events`, { token: w.dispatcher.token });
    const linked = events.body.items.filter((e: { type: string }) => e.type === 'contact_linked');
    expect(linked).toHaveLength(1);
    expect(linked[0].payload.contactId).toBe(r.body.contactId);
    expect(linked[0].actor.id).toBe(w.operator.id);
  });

  it('refuses to link to a closed ticket or one that does not exist (422 merge_target_invalid)', async () => {
    const closed = await newTicket({ caller: { phone: '13900000033' }, disposition: { kind: 'not_accepted', reason: '属于信访事项' } });
    expect(closed.status).toBe('closed');
    for (const ticketId of [closed.id, 99_999_999]) {
      const r = await intake(w.operator.token, callBody(w.category.id, { caller: { phone: '13900000034' }, disposition: { kind: 'repeat', ticketId } }));
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('merge_target_invalid');
    }
    const detail = await api.call('GET', `/api/tickets/${closed.id}`, { token: w.dispatcher.token });
    expect(detail.body.contacts).toBe(1);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first result for the same key and body', async () => {
    const body = callBody(w.category.id, { caller: { phone: '13900000041' } });
    const first = await intake(w.operator.token, body, { 'Idempotency-Key': 'idem-same-1' });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // Same request, keys in another order: still the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const second = await intake(w.operator.token, reordered, { 'Idempotency-Key': 'idem-same-1' });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.number).toBe(first.body.number);
    expect(await ticketsOfPhone('13900000041')).toBe(1);
  });

  it('refuses the same key with a different body (422 idempotency_key_reused)', async () => {
    const first = await intake(w.operator.token, callBody(w.category.id, { caller: { phone: '13900000042' } }), { 'Idempotency-Key': 'idem-reused' });
    expect(first.status).toBe(201);
    const other = await intake(
      w.operator.token,
      callBody(w.category.id, { caller: { phone: '13900000042' }, content: '另一件事情：路灯坏了很久没人修，晚上走路很危险' }),
      { 'Idempotency-Key': 'idem-reused' },
    );
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    expect(await ticketsOfPhone('13900000042')).toBe(1);
  });

  it('keys belong to one user: another user with the same key gets a ticket of their own', async () => {
    const operator2 = await makeUser(deps.db, 'operator', w.units.centre);
    const body = callBody(w.category.id, { caller: { phone: '13900000043' } });
    const a = await intake(w.operator.token, body, { 'Idempotency-Key': 'idem-shared' });
    const b = await intake(operator2.token, body, { 'Idempotency-Key': 'idem-shared' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(b.body.id).not.toBe(a.body.id);
    expect(await ticketsOfPhone('13900000043')).toBe(2);
  });

  it('a repeat replays as the same link, not a second contact', async () => {
    const target = await newTicket({ caller: { phone: '13900000044' } });
    const body = callBody(w.category.id, { caller: { phone: '13900000045' }, disposition: { kind: 'repeat', ticketId: target.id } });
    const first = await intake(w.operator.token, body, { 'Idempotency-Key': 'idem-repeat' });
    const second = await intake(w.operator.token, body, { 'Idempotency-Key': 'idem-repeat' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toMatchObject({ id: target.id, linked: true, contactId: first.body.contactId, contacts: 2 });
  });

  it('10 concurrent requests with one key make exactly one ticket and all answer with it', async () => {
    const body = callBody(w.category.id, { caller: { phone: '13900000046' } });
    const rs = await Promise.all(Array.from({ length: 10 }, () => intake(w.operator.token, body, { 'Idempotency-Key': 'idem-concurrent' })));
    expect(
      rs.map((r) => r.status),
      JSON.stringify(rs.find((r) => r.status !== 201)?.body),
    ).toEqual(Array(10).fill(201));
    expect(new Set(rs.map((r) => r.body.id)).size).toBe(1);
    expect(rs.filter((r) => r.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
    expect(await ticketsOfPhone('13900000046')).toBe(1);
    expect(await rowCount('select count(*)::int as n from contacts where caller_phone_index = $1', [phoneIndex('13900000046')])).toBe(1);
    expect(await rowCount("select count(*)::int as n from ticket_events where ticket_id = $1 and type = 'ticket_created'", [rs[0]!.body.id])).toBe(1);
  });

  it('concurrent repeats with one key link exactly one contact', async () => {
    const target = await newTicket({ caller: { phone: '13900000047' } });
    const body = callBody(w.category.id, { caller: { phone: '13900000048' }, disposition: { kind: 'repeat', ticketId: target.id } });
    const rs = await Promise.all(Array.from({ length: 6 }, () => intake(w.operator.token, body, { 'Idempotency-Key': 'idem-concurrent-repeat' })));
    expect(
      rs.map((r) => r.status),
      JSON.stringify(rs.find((r) => r.status !== 200)?.body),
    ).toEqual(Array(6).fill(200));
    expect(new Set(rs.map((r) => r.body.contactId)).size).toBe(1);
    expect(await rowCount('select count(*)::int as n from contacts where ticket_id = $1', [target.id])).toBe(2);
    expect(await rowCount("select count(*)::int as n from ticket_events where ticket_id = $1 and type = 'contact_linked'", [target.id])).toBe(1);
  });
});
