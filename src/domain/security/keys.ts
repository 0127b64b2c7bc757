/**
 * Key status for the security administrator: which data key is active, which ids the keyring holds, and how many
 * stored values lie under each key id (read from the `sm4:<id>:` prefix of the stored text, never decrypted) or
 * are still legacy plaintext — what a rotation has left to do. Never any key material.
 */
import { isNotNull, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { contacts, notifications, tickets, users } from '../../../db/schema/index.ts';
import type { DbDeps } from '../../deps.ts';
import { CIPHER_PREFIX, keyring } from '../privacy/keyring.ts';

/** Every encrypted column, by its name in the database. */
const ENCRYPTED: { name: string; table: PgTable; column: PgColumn }[] = [
  { name: 'tickets.caller_phone', table: tickets, column: tickets.callerPhone },
  { name: 'tickets.caller_name', table: tickets, column: tickets.callerName },
  { name: 'contacts.caller_phone', table: contacts, column: contacts.callerPhone },
  { name: 'contacts.caller_name', table: contacts, column: contacts.callerName },
  { name: 'notifications.recipient', table: notifications, column: notifications.recipient },
  { name: 'users.totp_secret', table: users, column: users.totpSecret },
];

export type ColumnKeyStatus = { column: string; byKey: Record<string, number>; legacy: number };

export async function keyStatus(deps: DbDeps) {
  const ring = keyring();
  const columns: ColumnKeyStatus[] = [];
  for (const c of ENCRYPTED) {
    // The key id is the second field of `sm4:<id>:<sealed>`; anything without the prefix is plaintext from before.
    // The pattern is inlined: a bound parameter would make the grouped expression differ from the selected one.
    const keyId = sql<string | null>`case when ${c.column} like ${sql.raw(`'${CIPHER_PREFIX}%'`)} then split_part(${c.column}, ':', 2) end`;
    const rows = await deps.db.select({ keyId, n: sql<number>`count(*)::int` }).from(c.table).where(isNotNull(c.column)).groupBy(keyId);
    const byKey: Record<string, number> = {};
    let legacy = 0;
    for (const r of rows) {
      if (r.keyId === null) legacy += Number(r.n);
      else byKey[r.keyId] = Number(r.n);
    }
    columns.push({ column: c.name, byKey, legacy });
  }
  const byKey: Record<string, number> = {};
  for (const c of columns) for (const [id, n] of Object.entries(c.byKey)) byKey[id] = (byKey[id] ?? 0) + n;
  const keyIds = [...ring.data.keys()];
  return {
    activeKeyId: ring.activeId,
    keyIds,
    columns,
    totals: { byKey, legacy: columns.reduce((s, c) => s + c.legacy, 0) },
    /** Values under an id the keyring no longer holds: unreadable until that key is configured again */
    missingKeyIds: Object.keys(byKey).filter((id) => !keyIds.includes(id)),
  };
}
