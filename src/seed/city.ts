/**
 * The fictional demo city 江州市, seeded once into an empty database: its organisation and staff accounts
 * (units.ts), category tree (categories.ts), knowledge base (knowledge.ts), dispatch catalogue (routing.ts),
 * the 2025–2026 working-day calendar and working hours (calendar.ts) and an SLA preset. Plain data through
 * the tables admins edit: nothing in the application special-cases it. Idempotent: does nothing when the
 * centre unit already exists. The demo's history (src/demo/) is simulated on top of it; tests, the browser
 * tests and the benchmarks start from it too.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { apiTokens, calendarDays, calendarYears, categories, kbArticles, units, users, workingHours } from '../../db/schema/index.ts';
import { hashPassword } from '../domain/auth/password.ts';
import { MANDATORY_SECOND_FACTOR_ROLES } from '../domain/auth/sign-in-policy.ts';
import { hashToken } from '../domain/auth/tokens.ts';
import { articleValues } from '../domain/kb/commands.ts';
import { installPreset } from '../domain/sla/policies.ts';
import { findPreset } from '../domain/sla/presets.ts';
import type { Role, UnitKind } from '../domain/vocab.ts';
import { DEMO_CALENDAR_YEARS, DEMO_WORKING_HOURS, demoCalendar } from './calendar.ts';
import { CATEGORY_TREE, type CategorySeed } from './categories.ts';
import { KB_ARTICLES } from './knowledge.ts';
import { seedRouting } from './routing.ts';
import { CENTRE, CITY_DEPARTMENTS, DISTRICTS, PEOPLE } from './units.ts';

export const DEMO_PASSWORD = 'Demo@12345';
/**
 * The demo accounts' shared TOTP secret (base32): the demo city's administrators and supervisors, whose roles
 * require a second factor, are enrolled with it so the demo works at once (in demo mode the sign-in page shows
 * the code). Public like DEMO_PASSWORD: outside demo mode every demo account must change its password first.
 */
export const DEMO_TOTP_SECRET = 'JIESUDEMOTOTPSECRETJIESUDEMOTOTP';
export const DEMO_API_TOKEN = 'jst_demo_online_portal_0000000000000000';

const pad = (n: number) => String(n).padStart(2, '0');

export async function seedDemo(db: Db, opts: { log?: (msg: string) => void } = {}): Promise<{ seeded: boolean }> {
  const log = opts.log ?? (() => {});
  const existing = await db.select({ id: units.id }).from(units).where(eq(units.code, CENTRE.code)).limit(1);
  if (existing.length > 0) {
    log('Demo data already present (unit "centre" exists): nothing to do.');
    return { seeded: false };
  }

  // Slow (scrypt): once, shared by every demo account.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const calendar = demoCalendar();

  return db.transaction(async (tx) => {
    // Several instances may start together on one server: a transaction-scoped advisory lock lets one seed
    // while the others wait, then re-check and find the city there (a no-op on PGlite, a single session).
    await tx.execute(sql`select pg_advisory_xact_lock(7212349)`);
    // Re-check inside the transaction so two concurrent seeders cannot both proceed past it.
    const again = await tx.select({ id: units.id }).from(units).where(eq(units.code, CENTRE.code)).limit(1);
    if (again.length > 0) return { seeded: false };

    // Units: insert, then set the materialised path from the generated id.
    type UnitRow = { id: number; code: string; name: string; kind: UnitKind; path: string };
    const unitRows: UnitRow[] = [];
    const addUnit = async (code: string, name: string, kind: UnitKind, parent?: UnitRow): Promise<UnitRow> => {
      const [row] = await tx
        .insert(units)
        .values({ code, name, kind, parentId: parent?.id ?? null, path: '' })
        .returning({ id: units.id });
      const id = row!.id;
      const path = `${parent?.path ?? '/'}${id}/`;
      await tx.update(units).set({ path }).where(eq(units.id, id));
      const unit = { id, code, name, kind, path };
      unitRows.push(unit);
      return unit;
    };

    const centre = await addUnit(CENTRE.code, CENTRE.name, 'centre');
    const firstCommunities: UnitRow[] = [];
    for (const d of DISTRICTS) {
      const district = await addUnit(d.code, d.name, 'district', centre);
      await addUnit(d.department.code, d.department.name, 'department', district);
      for (const s of d.streets) {
        const street = await addUnit(s.code, s.name, 'street', district);
        for (const [i, c] of s.communities.entries()) {
          const community = await addUnit(c.code, c.name, 'community', street);
          if (i === 0) firstCommunities.push(community);
        }
      }
    }
    for (const dep of CITY_DEPARTMENTS) await addUnit(dep.code, dep.name, 'department', centre);
    log(`Units: ${unitRows.length}`);

    // Users.
    let person = 0;
    const nextPerson = () => PEOPLE[person++ % PEOPLE.length]!;
    // Every seeded account is a demo account (known password); those whose role requires a second factor have the demo one.
    const now = new Date();
    const userValues: (typeof users.$inferInsert)[] = [];
    const addUser = (username: string, displayName: string, role: Role, unitId: number) =>
      userValues.push({
        username,
        displayName,
        role,
        unitId,
        passwordHash,
        isDemo: true,
        ...(MANDATORY_SECOND_FACTOR_ROLES.includes(role) ? { totpSecret: DEMO_TOTP_SECRET, totpEnabledAt: now } : {}),
      });

    addUser('operator1', '话务员张敏', 'operator', centre.id);
    addUser('operator2', '话务员李晓', 'operator', centre.id);
    addUser('clerk1', '窗口工作人员陈雪', 'window_clerk', centre.id);
    addUser('dispatcher1', '派单员刘畅', 'dispatcher', centre.id);
    addUser('callback1', '回访员赵琳', 'callback_agent', centre.id);
    addUser('supervisor1', '督办科长孙建国', 'supervisor', centre.id);
    addUser('admin', '系统管理员', 'admin', centre.id);
    addUser('secadmin', '安全管理员', 'security_admin', centre.id);
    addUser('auditor', '审计管理员', 'audit_admin', centre.id);
    addUser('portal', '网上诉求平台', 'intake_client', centre.id);
    for (const u of unitRows) {
      if (u.kind === 'district' || u.kind === 'street' || u.kind === 'department') {
        addUser(`handler.${u.code}`, `${u.name}承办人${nextPerson()}`, 'unit_handler', u.id);
        addUser(`leader.${u.code}`, `${u.name}负责人${nextPerson()}`, 'unit_leader', u.id);
      }
    }
    for (const c of firstCommunities) addUser(`handler.${c.code}`, `${c.name}承办人${nextPerson()}`, 'unit_handler', c.id);
    const insertedUsers = await tx.insert(users).values(userValues).returning({ id: users.id, username: users.username });
    log(`Users: ${insertedUsers.length} (password ${DEMO_PASSWORD})`);

    const portal = insertedUsers.find((u) => u.username === 'portal')!;
    await tx.insert(apiTokens).values({
      name: '网上诉求平台 (demo)',
      tokenHash: hashToken(DEMO_API_TOKEN),
      prefix: DEMO_API_TOKEN.slice(0, 12),
      userId: portal.id,
    });

    // Categories, level by level so parents have ids.
    const categoryIds = new Map<string, number>(); // "城市管理/市容环境/占道经营" → id
    let categoryCount = 0;
    const addCategories = async (nodes: CategorySeed[], parent: { id: number; code: string; path: string } | null, level: number) => {
      for (const [i, node] of nodes.entries()) {
        const code = parent ? `${parent.code}-${pad(i + 1)}` : `c${pad(i + 1)}`;
        const [row] = await tx
          .insert(categories)
          .values({ code, name: node.name, parentId: parent?.id ?? null, level, public: node.public ?? true, sort: i + 1 })
          .returning({ id: categories.id });
        const path = parent ? `${parent.path}/${node.name}` : node.name;
        categoryIds.set(path, row!.id);
        categoryCount++;
        if (node.children) await addCategories(node.children, { id: row!.id, code, path }, level + 1);
      }
    };
    await addCategories(CATEGORY_TREE, null, 1);
    log(`Categories: ${categoryCount}`);

    // Knowledge base.
    await tx.insert(kbArticles).values(
      KB_ARTICLES.map((a) => {
        const categoryId = categoryIds.get(a.category.join('/'));
        if (categoryId === undefined) throw new Error(`KB article "${a.title}": unknown category ${a.category.join(' > ')}`);
        return articleValues({ title: a.title, body: a.body, categoryId, keywords: a.keywords, active: true });
      }),
    );
    log(`Knowledge base articles: ${KB_ARTICLES.length}`);

    // Dispatch catalogue: street aliases and boundaries, rules, auto-dispatch categories.
    await seedRouting(tx as unknown as Db, { units: unitRows, categoryIds }, log);

    // Calendar and working hours.
    await tx.insert(calendarDays).values(calendar);
    await tx.insert(calendarYears).values(DEMO_CALENDAR_YEARS);
    await tx.insert(workingHours).values(DEMO_WORKING_HOURS);
    log(`Calendar: ${calendar.length} days for ${DEMO_CALENDAR_YEARS.map((y) => y.year).join(', ')}`);

    // SLA policies: the Tianjin-like preset (admins replace it through POST /api/sla/presets/:name/apply).
    const sla = await installPreset(tx as unknown as Db, findPreset('tianjin')!);
    log(`SLA policies: ${sla.created.length} (preset tianjin)`);

    return { seeded: true };
  });
}
