/**
 * Reads of the organisation and the catalogue that every screen needs whole: the unit tree, the category tree,
 * the accounts and API tokens (admins only; the route says who may call).
 */
import { asc, eq, sql } from 'drizzle-orm';
import { apiTokens, categories, units, users } from '../../../db/schema/index.ts';
import type { DbDeps } from '../../deps.ts';

/** The unit tree, flat, in tree order (by path). */
export const listUnits = (deps: DbDeps) =>
  deps.db
    .select({ id: units.id, code: units.code, name: units.name, kind: units.kind, parentId: units.parentId, path: units.path, active: units.active })
    .from(units)
    .orderBy(asc(units.path));

/** The active categories, flat, in code order (three levels; tickets take a leaf). */
export const listCategories = (deps: DbDeps) =>
  deps.db
    .select({
      id: categories.id,
      code: categories.code,
      name: categories.name,
      parentId: categories.parentId,
      level: categories.level,
      public: categories.public,
    })
    .from(categories)
    .where(eq(categories.active, true))
    .orderBy(asc(categories.code));

/** Every account, without its password hash. */
export const listUsers = (deps: DbDeps) =>
  deps.db
    .select({ id: users.id, username: users.username, displayName: users.displayName, role: users.role, unitId: users.unitId, active: users.active })
    .from(users)
    .orderBy(asc(users.id));

/**
 * Every account as the security administrator sees it: role, status, and where its sign-in stands (second factor
 * enrolled, a password change pending, last sign-in, failures since). Never a hash or a secret.
 */
export const listAccounts = (deps: DbDeps) =>
  deps.db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      unitId: users.unitId,
      active: users.active,
      secondFactor: sql<boolean>`${users.totpEnabledAt} is not null`,
      mustChangePassword: users.mustChangePassword,
      lastLoginAt: users.lastLoginAt,
      failedLogins: users.failedLogins,
      isDemo: users.isDemo,
    })
    .from(users)
    .orderBy(asc(users.id));

/** Every API token, never the token itself (only its prefix). */
export const listTokens = (deps: DbDeps) =>
  deps.db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      userId: apiTokens.userId,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .orderBy(asc(apiTokens.id));
