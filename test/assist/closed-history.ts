/**
 * A history of closed tickets written straight into the tables (the rows a closed ticket leaves: the ticket, its
 * lead assignment, sometimes a returned one before it), varied enough for the models to learn from: four matters,
 * five phrasings each, filler phrases, two streets. Deterministic.
 */
import type { Db } from '../../db/client.ts';
import { assignments, tickets } from '../../db/schema/index.ts';

export type Matter = 'lamp' | 'noise' | 'rubbish' | 'water';
export const PHRASES: Record<Matter, string[]> = {
  lamp: ['路灯不亮了', '路灯坏了好几天', '晚上路灯一直黑着', '路灯一闪一闪的', '小区路灯损坏没人修'],
  noise: ['夜间施工噪音很大', '广场舞音响太吵', '装修噪音扰民', '半夜工地施工吵得睡不着', '噪音影响休息'],
  rubbish: ['垃圾没人清运', '垃圾桶满了溢出来', '垃圾堆放发臭', '生活垃圾好几天没人收', '垃圾站味道太大'],
  water: ['家里突然停水了', '自来水停了没通知', '停水好几天了', '水压太低没有水', '小区停水一整天'],
};
const FILLERS = ['请尽快处理', '希望有关部门管一管', '已经好几天了', '影响居民生活', '麻烦派人来看看', '在幸福里小区', '在和平路附近', '老人孩子都受影响'];
export const MATTERS = Object.keys(PHRASES) as Matter[];

/** A demand about `matter`, the n-th variation. */
export function demand(matter: Matter, n: number): string {
  const p = PHRASES[matter];
  return `${p[n % p.length]}，${FILLERS[(n * 3) % FILLERS.length]}，${FILLERS[(n * 5 + 1) % FILLERS.length]}`;
}

export type HistoryOptions = {
  count: number;
  /** The matters' categories and lead units */
  category: Record<Matter, number>;
  unit: Record<Matter, number>;
  streets: [number, number];
  /** A unit that took some tickets first and returned them (never the final lead) */
  returnedUnit: number;
  /** First close; one ticket closes every `stepMinutes` after it */
  start: Date;
  stepMinutes?: number;
  /** Number prefix (distinct per call) */
  prefix: string;
};

/** Writes `count` closed tickets; every 10th has no lead assignment (closed at intake), every 7th a returned one first. */
export async function writeClosedHistory(db: Db, o: HistoryOptions): Promise<{ ids: number[] }> {
  const step = (o.stepMinutes ?? 60) * 60_000;
  const ids: number[] = [];
  for (let from = 0; from < o.count; from += 100) {
    const rows = [];
    for (let i = from; i < Math.min(o.count, from + 100); i++) {
      const matter = MATTERS[i % MATTERS.length]!;
      const content = demand(matter, Math.floor(i / MATTERS.length));
      const at = new Date(o.start.getTime() + i * step);
      rows.push({
        number: `${o.prefix}-${String(i).padStart(6, '0')}`,
        status: 'closed' as const,
        channel: 'phone' as const,
        type: 'complaint' as const,
        categoryId: o.category[matter],
        title: content.slice(0, 12),
        content,
        streetUnitId: o.streets[i % 2],
        closeReason: 'completed' as const,
        createdAt: new Date(at.getTime() - 86_400_000),
        closedAt: at,
      });
    }
    const made = await db.insert(tickets).values(rows).returning({ id: tickets.id, number: tickets.number });
    const asg = [];
    for (const t of made) {
      const i = Number(t.number.split('-').pop());
      ids.push(t.id);
      if (i % 10 === 9) continue;
      const matter = MATTERS[i % MATTERS.length]!;
      const at = new Date(o.start.getTime() + i * step - 80_000_000);
      if (i % 7 === 3) asg.push({ ticketId: t.id, unitId: o.returnedUnit, role: 'lead' as const, status: 'returned' as const, dispatchedAt: at });
      asg.push({ ticketId: t.id, unitId: o.unit[matter], role: 'lead' as const, status: 'closed' as const, dispatchedAt: new Date(at.getTime() + 1000) });
    }
    if (asg.length) await db.insert(assignments).values(asg);
  }
  return { ids };
}
