import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { asc } from 'drizzle-orm';
import { connect, migrate, type Database } from '../../db/client.ts';
import { apiTokens, calendarDays, calendarYears, categories, kbArticles, units, users, workingHours } from '../../db/schema/index.ts';
import { demoCalendar } from '../../src/seed/calendar.ts';
import { DEMO_API_TOKEN, DEMO_PASSWORD, DEMO_TOTP_SECRET, seedDemo } from '../../src/seed/city.ts';
import { keyringOf, TEST_KEYS, useKeyring } from '../../src/domain/privacy/keyring.ts';
import { verifyPassword } from '../../src/domain/auth/password.ts';
import { hashToken } from '../../src/domain/auth/tokens.ts';
import { ROLES } from '../../src/domain/vocab.ts';

describe('seedDemo', () => {
  let database: Database;

  beforeAll(async () => {
    // The second-factor secrets are encrypted at rest: the test keys, as every test process uses.
    useKeyring(keyringOf(TEST_KEYS));
    database = await connect();
    await migrate(database);
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const counts = async () => {
    const db = database.db;
    return {
      units: (await db.select({ id: units.id }).from(units)).length,
      users: (await db.select({ id: users.id }).from(users)).length,
      apiTokens: (await db.select({ id: apiTokens.id }).from(apiTokens)).length,
      categories: (await db.select({ id: categories.id }).from(categories)).length,
      kbArticles: (await db.select({ id: kbArticles.id }).from(kbArticles)).length,
      calendarDays: (await db.select({ day: calendarDays.day }).from(calendarDays)).length,
      calendarYears: (await db.select({ year: calendarYears.year }).from(calendarYears)).length,
      workingHours: (await db.select({ id: workingHours.id }).from(workingHours)).length,
    };
  };

  it('seeds the demo city once and is idempotent', async () => {
    const logs: string[] = [];
    expect(await seedDemo(database.db, { log: (m) => logs.push(m) })).toEqual({ seeded: true });
    expect(logs.length).toBeGreaterThan(0);
    const first = await counts();
    expect(await seedDemo(database.db)).toEqual({ seeded: false });
    expect(await counts()).toEqual(first);
    expect(first.apiTokens).toBe(1);
    expect(first.calendarYears).toBe(2);
    expect(first.workingHours).toBe(2);
    expect(first.kbArticles).toBeGreaterThanOrEqual(15);

    const db = database.db;
    const allUnits = await db.select().from(units);
    const byKind = (k: string) => allUnits.filter((u) => u.kind === k);
    expect(byKind('centre')).toHaveLength(1);
    expect(byKind('district')).toHaveLength(3);
    expect(byKind('street').length).toBeGreaterThanOrEqual(10);
    expect(byKind('department').length).toBeGreaterThanOrEqual(8);
    expect(byKind('community').length).toBeGreaterThanOrEqual(20);

    // Materialised paths: /<ancestor ids>/<own id>/
    const byId = new Map(allUnits.map((u) => [u.id, u]));
    for (const u of allUnits) {
      if (u.parentId === null) {
        expect(u.code).toBe('centre');
        expect(u.path).toBe(`/${u.id}/`);
      } else {
        const parent = byId.get(u.parentId);
        expect(parent).toBeDefined();
        expect(u.path).toBe(`${parent!.path}${u.id}/`);
      }
    }
    for (const s of byKind('street')) expect(byId.get(s.parentId!)!.kind).toBe('district');
    for (const c of byKind('community')) expect(byId.get(c.parentId!)!.kind).toBe('street');

    // Users: every role, unit accounts per unit code, one shared password.
    const allUsers = await db.select().from(users);
    for (const role of ROLES)
      expect(
        allUsers.some((u) => u.role === role),
        role,
      ).toBe(true);
    const usernames = new Set(allUsers.map((u) => u.username));
    for (const u of allUnits.filter((u) => ['district', 'street', 'department'].includes(u.kind))) {
      expect(usernames.has(`handler.${u.code}`), u.code).toBe(true);
      expect(usernames.has(`leader.${u.code}`), u.code).toBe(true);
    }
    for (const name of ['operator1', 'operator2', 'clerk1', 'dispatcher1', 'callback1', 'supervisor1', 'admin', 'secadmin', 'auditor', 'portal']) {
      expect(usernames.has(name), name).toBe(true);
    }
    // Every seeded account is a demo account; the roles that require a second factor have the demo one.
    expect(allUsers.every((u) => u.isDemo)).toBe(true);
    const enrolled = allUsers.filter((u) => u.totpEnabledAt).map((u) => u.username);
    expect(enrolled.sort()).toEqual(['admin', 'auditor', 'secadmin', 'supervisor1']);
    expect(allUsers.find((u) => u.username === 'supervisor1')!.totpSecret).toBe(DEMO_TOTP_SECRET);
    const centre = allUnits.find((u) => u.code === 'centre')!;
    const admin = allUsers.find((u) => u.username === 'admin')!;
    expect(admin.unitId).toBe(centre.id);
    expect(await verifyPassword(DEMO_PASSWORD, admin.passwordHash)).toBe(true);

    const [token] = await db.select().from(apiTokens);
    expect(token!.tokenHash).toBe(hashToken(DEMO_API_TOKEN));
    expect(token!.prefix).toBe(DEMO_API_TOKEN.slice(0, 12));
    expect(allUsers.find((u) => u.id === token!.userId)!.role).toBe('intake_client');

    // Categories: three levels, children one level below their parent, some not public.
    const allCategories = await db.select().from(categories);
    const catById = new Map(allCategories.map((c) => [c.id, c]));
    expect(allCategories.filter((c) => c.level === 3).length).toBeGreaterThanOrEqual(25);
    for (const c of allCategories) {
      if (c.level === 1) expect(c.parentId).toBeNull();
      else expect(catById.get(c.parentId!)!.level).toBe(c.level - 1);
    }
    expect(allCategories.some((c) => !c.public)).toBe(true);

    // KB articles point at leaves and carry search terms.
    const articles = await db.select().from(kbArticles);
    for (const a of articles) {
      expect(catById.get(a.categoryId!)!.level).toBe(3);
      expect(a.searchTerms.length).toBeGreaterThan(0);
    }

    // Calendar equals the computed table.
    const days = await db.select({ day: calendarDays.day, kind: calendarDays.kind, name: calendarDays.name }).from(calendarDays).orderBy(asc(calendarDays.day));
    expect(days).toEqual(demoCalendar());
  }, 60_000);
});
