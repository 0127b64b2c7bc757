/**
 * Open311 GeoReport v2 service requests as a third-party client reads them (GET requests, mySociety's
 * servicerequestupdates), following the normal lifecycle, and what the public API never shows: the caller,
 * internal notes, confidential and non-public tickets (checked over every ticket this file made).
 */
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { makeCategoryLeaf } from '../setup/world.ts';
import { leadOf } from '../setup/ticket-flow.ts';
import { assignments, categories, tickets } from '../../db/schema/index.ts';
import { api, deps, flow, w } from './api-world.ts';
import { DAY, expectErrors, expectFields, FIELDS, get, hiddenCode, service, staffView, submit, T0, useOpen311World, xmlList } from './open311-fixtures.ts';

useOpen311World();

// ---------------------------------------------------------------- GET requests

describe('GET requests', () => {
  it.each(['json', 'xml'] as const)('shows every spec field; status, notes, agency and deadline follow the lifecycle (%s)', async (fmt) => {
    const number = await submit();
    const one = async () => {
      const r = await get(`/requests/${number}.${fmt}`);
      expect(r.status, r.text).toBe(200);
      const list = fmt === 'json' ? r.data : xmlList(r.text, 'service_requests', 'request');
      expect(list).toHaveLength(1);
      expectFields(list[0], FIELDS.request, fmt);
      return list[0];
    };
    const nul = fmt === 'json' ? null : '';
    expect(await one()).toMatchObject({
      service_request_id: number,
      status: 'open',
      status_notes: '已受理，正在派单。',
      service_code: service.code,
      service_name: '噪音扰民',
      agency_responsible: nul,
      expected_datetime: nul,
      requested_datetime: '2026-03-10T10:00:00+08:00',
      address: '甲区甲街道幸福里3号楼',
    });

    deps.clock.set('2026-03-10T03:00:00Z');
    let v = await flow.ticket(w.dispatcher, await staffView(number), 'dispatch', { leadUnitId: w.units.streetA.id });
    await deps.db
      .update(assignments)
      .set({ completeDueAt: new Date('2026-03-20T10:00:00Z') })
      .where(eq(assignments.id, leadOf(v).id));
    expect(await one()).toMatchObject({
      status: 'open',
      status_notes: '已派至甲街道办理。',
      agency_responsible: '甲街道',
      expected_datetime: '2026-03-20T18:00:00+08:00',
      updated_datetime: '2026-03-10T11:00:00+08:00',
    });

    v = await flow.assignment(w.handlerA, v, leadOf(v), 'sign');
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '内部答复：已联系王小明 13812345678 协调。' });
    // The unit's reply is not public until the centre approves a public version.
    expect((await one()).status_notes).toBe('甲街道已答复，热线中心正在审核。');
    v = await flow.ticket(w.dispatcher, v, 'reply/approve', { publicReply: '已协调施工单位调整作业时间，夜间停止施工。' });
    deps.clock.set('2026-03-12T03:00:00Z');
    await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'solved', satisfaction: 'satisfied' });
    const closed = await one();
    expect(closed).toMatchObject({
      status: 'closed',
      status_notes: '已办结。答复：已协调施工单位调整作业时间，夜间停止施工。',
      updated_datetime: '2026-03-12T11:00:00+08:00',
    });
    expect(JSON.stringify(closed)).not.toContain('内部答复');
  });

  it('lists with filters: ids (overriding the rest), service_code, status, dates', async () => {
    const { leaf } = await makeCategoryLeaf(deps.db, '路灯不亮');
    const a = await submit({ service_code: leaf.code });
    const b = await submit({ service_code: leaf.code });
    const declined = await staffView(b);
    await flow.ticket(w.dispatcher, declined, 'decline', { reason: '不属于热线受理范围，请咨询物业' });

    const list = async (q: string) => {
      const r = await get(`/requests.json?${q}`);
      expect(r.status, r.text).toBe(200);
      for (const x of r.data) expectFields(x, FIELDS.request, 'json');
      return r.data.map((x: any) => x.service_request_id);
    };
    expect(await list(`service_code=${leaf.code}`)).toEqual([b, a]);
    expect(await list(`service_code=${leaf.code}&status=open`)).toEqual([a]);
    expect(await list(`service_code=${leaf.code}&status=closed`)).toEqual([b]);
    expect(await list(`service_code=${leaf.code}&status=open,closed`)).toEqual([b, a]);
    expect(await list(`service_code=${leaf.code},${service.code}&start_date=2026-03-10T00:00:00Z&end_date=2026-03-11T00:00:00Z`)).toEqual(
      expect.arrayContaining([a, b]),
    );
    expect(await list(`service_code=${leaf.code}&start_date=2026-03-11T00:00:00Z`)).toEqual([]);
    expect(await list(`service_request_id=${a},${b},19990101-000001&status=closed&service_code=nothing`)).toEqual([b, a]);
    const r = await get(`/requests/${b}.json`);
    expect(r.data[0]).toMatchObject({ status: 'closed', status_notes: '不予受理：不属于热线受理范围，请咨询物业' });
  });

  it.each(['json', 'xml'] as const)('answers 404 for an unknown request (%s)', async (fmt) => {
    expectErrors(await get(`/requests/20260310-999999.${fmt}`), 404, fmt);
    expectErrors(await get(`/requests/${encodeURIComponent('<x>&')}.${fmt}`), 404, fmt);
  });

  it('defaults to the last 90 days, and refuses a longer span', async () => {
    const { leaf } = await makeCategoryLeaf(deps.db, '井盖缺失');
    deps.clock.set(new Date(Date.parse(T0) - 91 * DAY));
    const old = await submit({ service_code: leaf.code });
    deps.clock.set(new Date(Date.parse(T0) - 89 * DAY));
    const recent = await submit({ service_code: leaf.code });
    deps.clock.set(T0);

    const ids = async (q: string) => (await get(`/requests.json?service_code=${leaf.code}${q}`)).data.map((x: any) => x.service_request_id);
    expect(await ids('')).toEqual([recent]);
    expect(await ids('&start_date=2025-12-01T00:00:00Z')).toEqual([recent, old]); // 90 days on from the start
    expect(await ids('&end_date=2025-12-31T00:00:00%2B08:00')).toEqual([recent, old]); // 90 days back from the end
    expect(await ids('&start_date=2025-12-01&end_date=2026-02-01')).toEqual([recent, old]);

    expectErrors(await get(`/requests.json?start_date=2025-01-01T00:00:00Z&end_date=2026-03-01T00:00:00Z`), 400, 'json');
    expectErrors(await get(`/requests.xml?start_date=2026-03-01T00:00:00Z&end_date=2026-02-01T00:00:00Z`), 400, 'xml');
    expectErrors(await get(`/requests.json?start_date=yesterday`), 400, 'json');
    expectErrors(await get(`/requests.json?start_date=2026-03-01T00:00:00`), 400, 'json'); // no time zone
    expectErrors(await get(`/requests.json?status=pending`), 400, 'json');
  });

  it('returns at most 1,000 requests, newest first', async () => {
    const { leaf } = await makeCategoryLeaf(deps.db, '共享单车乱停放');
    const start = Date.parse(T0) - 10 * DAY;
    const rows = Array.from({ length: 1005 }, (_, i) => ({
      number: `20990101-${String(i).padStart(6, '0')}`,
      status: 'awaiting_dispatch' as const,
      channel: 'phone' as const,
      type: 'help' as const,
      categoryId: leaf.id,
      title: `单车 ${i}`,
      content: `地铁口共享单车乱停放第 ${i} 件`,
      callerName: '赵先生',
      callerPhone: '13700000000',
      callerPhoneLast4: '0000',
      createdAt: new Date(start + i * 60_000),
      updatedAt: new Date(start + i * 60_000),
    }));
    await deps.db.insert(tickets).values(rows);
    for (const fmt of ['json', 'xml'] as const) {
      const r = await get(`/requests.${fmt}?service_code=${leaf.code}`);
      expect(r.status).toBe(200);
      const list = fmt === 'json' ? r.data : xmlList(r.text, 'service_requests', 'request');
      expect(list).toHaveLength(1000);
      expect(list[0].service_request_id).toBe('20990101-001004');
      expect(list[999].service_request_id).toBe('20990101-000005');
    }
  });
});

// ---------------------------------------------------------------- servicerequestupdates

describe('servicerequestupdates (mySociety)', () => {
  it.each(['json', 'xml'] as const)('lists the public events since start_date, oldest first (%s)', async (fmt) => {
    deps.clock.set(fmt === 'json' ? '2026-04-01T02:00:00Z' : '2026-04-02T02:00:00Z');
    const number = await submit();
    let v = await flow.ticket(w.dispatcher, await staffView(number), 'dispatch', { leadUnitId: w.units.streetA.id });
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'note', { text: '内部记录：诉求人王小明情绪激动' });
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'sign');
    const since = fmt === 'json' ? '2026-04-01T00:00:00Z' : '2026-04-02T00:00:00Z';
    const r = await get(`/servicerequestupdates.${fmt}?start_date=${since}&end_date=${since.replace('T00', 'T23')}`);
    expect(r.status, r.text).toBe(200);
    const list = fmt === 'json' ? r.data : xmlList(r.text, 'service_request_updates', 'request_update');
    for (const u of list) expectFields(u, FIELDS.update, fmt);
    const mine = list.filter((u: any) => u.service_request_id === number);
    expect(mine.map((u: any) => [u.status, u.description])).toEqual([
      ['open', '诉求已受理。'],
      ['open', '已派至甲街道办理。'],
      ['open', '甲街道已签收。'],
    ]);
    const times = list.map((u: any) => u.updated_datetime);
    expect([...times].sort()).toEqual(times);
    expect(r.text).not.toContain('内部记录');
    expectErrors(await get(`/servicerequestupdates.${fmt}?start_date=nope`), 400, fmt);
  });
});

// ---------------------------------------------------------------- privacy

describe('privacy', () => {
  it('never shows the caller’s name, phone or e-mail, nor confidential or non-public tickets', async () => {
    const secretPhone = '13912345678';
    const number = await submit({
      first_name: '秘密',
      last_name: '李',
      phone: secretPhone,
      email: 'li.mimi@example.com',
      description: '我是李秘密，电话 139 1234 5678，邮箱 li.mimi@example.com，楼下餐馆油烟直排扰民',
      address_string: '甲区幸福里5号（联系人李秘密 13912345678）',
    });
    // A confidential call and one in a non-public category, logged by the operator.
    const conf = await api.call('POST', '/api/tickets', {
      token: w.operator.token,
      body: {
        type: 'report',
        categoryId: w.category.id,
        content: '举报某单位违规排放污水，请为我保密身份',
        caller: { name: '匿名先生', phone: '13600001111' },
        confidential: true,
      },
    });
    expect(conf.status).toBe(201);
    const hidden = await deps.db.select().from(categories).where(eq(categories.code, hiddenCode));
    const nonPublic = await api.call('POST', '/api/tickets', {
      token: w.operator.token,
      body: { type: 'report', categoryId: hidden[0]!.id, content: '反映某工作人员吃拿卡要的线索材料', caller: { name: '周先生', phone: '13500002222' } },
    });
    expect(nonPublic.status).toBe(201);
    let v = await flow.ticket(w.dispatcher, await staffView(number), 'dispatch', { leadUnitId: w.units.streetA.id });
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'sign');
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已与李秘密（13912345678）电话沟通，责令餐馆整改。' });
    await flow.ticket(w.dispatcher, v, 'reply/approve', { publicReply: '已联系李秘密先生，电话13912345678，责令餐馆加装油烟净化设备。' });

    const bodies: string[] = [];
    for (const fmt of ['json', 'xml'] as const) {
      for (const path of [
        `/requests.${fmt}`,
        `/requests/${number}.${fmt}`,
        `/requests.${fmt}?service_request_id=${number},${conf.body.number},${nonPublic.body.number}`,
        `/servicerequestupdates.${fmt}`,
        `/services.${fmt}`,
      ]) {
        const r = await get(path);
        expect(r.status, path).toBe(200);
        bodies.push(r.text);
      }
      expectErrors(await get(`/requests/${conf.body.number}.${fmt}`), 404, fmt);
      expectErrors(await get(`/requests/${nonPublic.body.number}.${fmt}`), 404, fmt);
    }
    const all = bodies.join('\n');
    for (const secret of [
      secretPhone,
      '139 1234 5678',
      '1391234',
      '李秘密',
      'li.mimi@example.com',
      '13600001111',
      '匿名先生',
      '13500002222',
      '周先生',
      '吃拿卡要',
      '为我保密',
      '13812345678',
      '王小明',
    ]) {
      expect(all, secret).not.toContain(secret);
    }
    // The request itself is there, with the public reply, scrubbed.
    const mine = (await get(`/requests/${number}.json`)).data[0];
    expect(mine.description).toContain('楼下餐馆油烟直排扰民');
    expect(mine.status_notes).toContain('责令餐馆加装油烟净化设备');
  });
});
