/**
 * The monthly report's part on 督办 by level and accountability (追责): how many 督办 went to the leader of the
 * level above in the month, the accountability items recorded in the month by unit (and which are dealt with),
 * and — when the report is generated with the tracked kinds — how many key tickets each kind had at that moment.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { keyTicketCounts } from '../supervision/key-tickets.ts';
import { keyKindTitle, type KeyKindSpec } from '../supervision/kinds.ts';
import { rowsOf } from '../tickets/queries.ts';
import type { KeyTicketKind } from '../vocab.ts';
import type { MonthSpan } from './months.ts';

/** Items listed one by one in the report (the counts by unit cover them all). */
export const LISTED_ITEMS = 50;

export type KeySupervisionFigures = {
  /** 督办 escalated to the level above in the month */
  escalated: number;
  /** accountability items recorded in the month, and how many of them are resolved by the time of the report */
  recorded: number;
  resolved: number;
  byUnit: { unit: { id: number; name: string }; count: number; resolved: number }[];
  items: { number: string; unit: string; reason: string; createdAt: string; resolvedAt: string | null }[];
  /** key tickets by kind when the report was generated (absent when generated without the tracked kinds) */
  key?: { kind: KeyTicketKind; title: string; count: number; tickets: number }[];
};

export async function keySupervisionFigures(db: Db, span: MonthSpan, key?: { specs: KeyKindSpec[]; now: Date }): Promise<KeySupervisionFigures> {
  const from = span.from.toISOString();
  const to = span.to.toISOString();
  const [escalated] = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from supervision_items
      where kind = 'supervision' and escalated_at >= ${from}::timestamptz and escalated_at < ${to}::timestamptz`),
  );
  const items = rowsOf<{ unit_id: number; unit: string; number: string; reason: string; created_at: string; resolved_at: string | null }>(
    await db.execute(sql`select ai.unit_id, u.name as unit, t.number, ai.reason,
        to_char(ai.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
        to_char(ai.resolved_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as resolved_at
      from accountability_items ai join units u on u.id = ai.unit_id join tickets t on t.id = ai.ticket_id
      where ai.created_at >= ${from}::timestamptz and ai.created_at < ${to}::timestamptz
      order by ai.created_at, ai.id`),
  );
  const byUnit = new Map<number, KeySupervisionFigures['byUnit'][number]>();
  for (const i of items) {
    const u = byUnit.get(i.unit_id) ?? { unit: { id: i.unit_id, name: i.unit }, count: 0, resolved: 0 };
    u.count++;
    if (i.resolved_at) u.resolved++;
    byUnit.set(i.unit_id, u);
  }
  return {
    escalated: Number(escalated?.n ?? 0),
    recorded: items.length,
    resolved: items.filter((i) => i.resolved_at).length,
    byUnit: [...byUnit.values()].sort((a, b) => b.count - a.count || a.unit.name.localeCompare(b.unit.name, 'zh-CN')),
    items: items.slice(0, LISTED_ITEMS).map((i) => ({ number: i.number, unit: i.unit, reason: i.reason, createdAt: i.created_at, resolvedAt: i.resolved_at })),
    ...(key
      ? {
          key: (await keyTicketCounts(db, key.specs, key.now)).map((c, n) => ({
            kind: c.kind,
            title: keyKindTitle(key.specs[n]!),
            count: c.count,
            tickets: c.tickets,
          })),
        }
      : {}),
  };
}

type Html = {
  esc: (s: unknown) => string;
  table: (headers: string[], rows: string[][], opts?: { num?: number[]; empty?: string }) => string;
  int: (n: number) => string;
  shanghaiTime: (iso: string) => string;
};

/**
 * The part as HTML: a sub-section of the report's 超期与督办. html.ts passes its escaping, table and number
 * helpers (format.ts reads contents.ts, which names this file's figures: imported here, they would make a cycle).
 */
export function keySupervisionHtml(f: KeySupervisionFigures, { esc, table, int, shanghaiTime }: Html): string {
  const key = f.key?.length ? `<p>截至报告生成时，重点督办工单：${f.key.map((k) => `${esc(k.title)} ${int(k.tickets)} 件`).join('，')}。</p>` : '';
  return `<h3>督办升级与追责</h3>
<p>本月督办后仍超期、升级至上级单位领导的 ${int(f.escalated)} 次；升级后仍超期、记录追责 ${int(f.recorded)} 件，至报告生成时已处理 ${int(f.resolved)} 件。</p>
${key}
${table(
  ['单位', '追责（件）', '已处理（件）'],
  f.byUnit.map((u) => [esc(u.unit.name), esc(int(u.count)), esc(int(u.resolved))]),
  { num: [1, 2], empty: '本月没有追责事项。' },
)}
${
  f.items.length
    ? table(
        ['工单', '单位', '事由', '记录时间', '处理时间'],
        f.items.map((i) => [
          esc(i.number),
          esc(i.unit),
          esc(i.reason),
          esc(shanghaiTime(i.createdAt)),
          esc(i.resolvedAt ? shanghaiTime(i.resolvedAt) : '未处理'),
        ]),
      )
    : ''
}`;
}
