import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { apiTokens, categories, kbArticles, units, users } from '../../db/schema/index.ts';
import type { Actor } from '../../src/domain/auth/actor.ts';
import { hashPassword } from '../../src/domain/auth/password.ts';
import { hashToken, newToken } from '../../src/domain/auth/tokens.ts';
import { documentTerms } from '../../src/domain/kb/search-terms.ts';
import type { Role, UnitKind } from '../../src/domain/vocab.ts';

export const TEST_PASSWORD = 'Test@Passw0rd';
let hashed: Promise<string> | null = null;
const tag = () => randomBytes(4).toString('hex');

export async function makeUnit(db: Db, kind: UnitKind, name: string, parent?: { id: number; path: string }) {
  const [u] = await db
    .insert(units)
    .values({ code: `${kind}-${tag()}`, name, kind, parentId: parent?.id ?? null, path: 'tmp' })
    .returning();
  const path = `${parent?.path ?? '/'}${u!.id}/`;
  await db.update(units).set({ path }).where(eq(units.id, u!.id));
  return { ...u!, path };
}

export type TestUser = { id: number; username: string; role: Role; unitId: number; token: string; actor: Actor };

export async function makeUser(db: Db, role: Role, unit: { id: number; path: string }): Promise<TestUser> {
  const username = `${role}-${tag()}`;
  const [u] = await db
    .insert(users)
    .values({ username, displayName: `${role} ${username}`, passwordHash: await (hashed ??= hashPassword(TEST_PASSWORD)), role, unitId: unit.id })
    .returning();
  const token = newToken('jst');
  await db.insert(apiTokens).values({ name: `test ${username}`, tokenHash: hashToken(token), prefix: token.slice(0, 12), userId: u!.id });
  const actor: Actor = {
    userId: u!.id,
    username,
    displayName: u!.displayName,
    role,
    unitId: unit.id,
    unitPath: unit.path,
    via: 'token',
    ip: '127.0.0.1',
    requestId: null,
  };
  return { id: u!.id, username, role, unitId: unit.id, token, actor };
}

export async function makeCategoryLeaf(db: Db, name = '噪音扰民') {
  const [l1] = await db
    .insert(categories)
    .values({ code: `t${tag()}`, name: '城市管理', level: 1 })
    .returning();
  const [l2] = await db
    .insert(categories)
    .values({ code: `t${tag()}`, name: '环境', level: 2, parentId: l1!.id })
    .returning();
  const [l3] = await db
    .insert(categories)
    .values({ code: `t${tag()}`, name, level: 3, parentId: l2!.id })
    .returning();
  return { leaf: l3!, parent: l2!, root: l1! };
}

export async function makeKbArticle(db: Db, title: string, body: string, keywords = '') {
  const [a] = await db
    .insert(kbArticles)
    .values({ title, body, keywords, searchTerms: documentTerms(title, keywords, body) })
    .returning();
  return a!;
}

/**
 * A small city of its own for one test: a centre, two districts with a street each (one with a
 * community), a department, a user of every centre role, and a handler and leader per unit.
 */
export async function makeWorld(db: Db) {
  const centre = await makeUnit(db, 'centre', '测试热线中心');
  const districtA = await makeUnit(db, 'district', '甲区', centre);
  const streetA = await makeUnit(db, 'street', '甲街道', districtA);
  const communityA = await makeUnit(db, 'community', '甲社区', streetA);
  const districtB = await makeUnit(db, 'district', '乙区', centre);
  const streetB = await makeUnit(db, 'street', '乙街道', districtB);
  const department = await makeUnit(db, 'department', '城管委', centre);
  const u = async (role: Role, unit = centre) => makeUser(db, role, unit);
  const cat = await makeCategoryLeaf(db);
  return {
    units: { centre, districtA, streetA, communityA, districtB, streetB, department },
    category: cat.leaf,
    parentCategory: cat.parent,
    operator: await u('operator'),
    clerk: await u('window_clerk'),
    dispatcher: await u('dispatcher'),
    callbackAgent: await u('callback_agent'),
    supervisor: await u('supervisor'),
    admin: await u('admin'),
    securityAdmin: await u('security_admin'),
    auditAdmin: await u('audit_admin'),
    portal: await u('intake_client'),
    handlerA: await u('unit_handler', streetA),
    leaderA: await u('unit_leader', streetA),
    handlerCommunityA: await u('unit_handler', communityA),
    handlerDistrictA: await u('unit_handler', districtA),
    handlerB: await u('unit_handler', streetB),
    handlerDept: await u('unit_handler', department),
  };
}
export type World = Awaited<ReturnType<typeof makeWorld>>;

/** A valid intake body; override what the test is about. */
export function callBody(categoryId: number, over: Record<string, unknown> = {}) {
  return {
    type: 'complaint',
    urgency: 'normal',
    categoryId,
    content: '小区门口夜间施工噪音扰民严重，已经持续一周，希望有关部门处理',
    address: '甲区甲街道幸福里3号楼',
    caller: { name: '王先生', phone: '13812345678' },
    ...over,
  };
}

/** The 2025–2026 calendar and working hours (the same data the demo seed uses). */
export async function seedCalendar(db: Db) {
  const { demoCalendar, DEMO_CALENDAR_YEARS, DEMO_WORKING_HOURS } = await import('../../src/seed/calendar.ts');
  const { calendarDays, calendarYears, workingHours } = await import('../../db/schema/index.ts');
  await db.insert(calendarDays).values(demoCalendar()).onConflictDoNothing();
  await db.insert(calendarYears).values(DEMO_CALENDAR_YEARS).onConflictDoNothing();
  const existing = await db.select().from(workingHours);
  if (existing.length === 0) await db.insert(workingHours).values(DEMO_WORKING_HOURS);
}
