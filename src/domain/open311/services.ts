import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { categories } from '../../../db/schema/index.ts';
import { rowsOf } from '../tickets/queries.ts';
import type { TicketType } from '../vocab.ts';

/**
 * Open311 services are the category leaves offered to the public: a leaf is a service when it and every
 * category above it are public and active. The service_code is the category's stable code.
 */
export type Service = {
  id: number;
  code: string;
  name: string;
  description: string;
  /** Names from the top category down to the leaf's parent. */
  ancestors: string[];
};

/** Categories with their chain flags, root first (the tree is three levels; the CTE does not assume it). */
const chain = sql`with recursive chain as (
    select id, code, name, description, public, active, array[]::text[] as ancestors
    from ${categories} where parent_id is null
  union all
    select c.id, c.code, c.name, c.description, chain.public and c.public, chain.active and c.active, chain.ancestors || chain.name
    from ${categories} c join chain on c.parent_id = chain.id
)`;

const leaf = sql`not exists (select 1 from ${categories} k where k.parent_id = chain.id)`;

type Row = { id: number; code: string; name: string; description: string; ancestors: string[] | string };

function toService(r: Row): Service {
  return { id: Number(r.id), code: r.code, name: r.name, description: r.description, ancestors: pgArray(r.ancestors) };
}

/** postgres.js parses text[]; a driver that hands back the literal gets it parsed here. */
function pgArray(v: string[] | string): string[] {
  if (Array.isArray(v)) return v;
  const inner = v.replace(/^\{|\}$/g, '');
  if (!inner) return [];
  return inner.split(',').map((s) => s.replace(/^"|"$/g, '').replace(/\\(.)/g, '$1'));
}

export async function publicServices(db: Db): Promise<Service[]> {
  const rows = await db.execute(sql`${chain} select id, code, name, description, ancestors from chain
    where public and active and ${leaf} order by code`);
  return rowsOf<Row>(rows).map(toService);
}

export async function findPublicService(db: Db, code: string): Promise<Service | null> {
  const rows = await db.execute(sql`${chain} select id, code, name, description, ancestors from chain
    where public and active and ${leaf} and code = ${code}`);
  const r = rowsOf<Row>(rows)[0];
  return r ? toService(r) : null;
}

/** Ids of every category whose tickets the public may read (public chain; retired categories included). */
export const publicCategoryIds = sql`(${chain} select id from chain where public)`;

// ---- the one service attribute: the kind of request (诉求类型)

/** A report through Open311 is most often "please fix this" (a pothole, a broken lamp): 求助. */
export const DEFAULT_TYPE: TicketType = 'help';
