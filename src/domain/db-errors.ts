/** Database error inspection in one place; drizzle wraps driver errors in `cause`. */
type PgError = { code?: string; constraint?: string; constraint_name?: string; cause?: unknown };

function pgError(err: unknown): PgError | null {
  let e = err as PgError | undefined;
  for (let i = 0; e && i < 4; i++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e;
    e = e.cause as PgError | undefined;
  }
  return null;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = pgError(err);
  if (e?.code !== '23505') return false;
  return !constraint || (e.constraint ?? e.constraint_name) === constraint;
}
