/**
 * The audit chain from the command line (the keys from JIESU_KEYS or KEY_FILE, as the app reads them):
 *
 *   npm run audit:verify     seal what is pending, walk the whole chain; exit code 1 on a broken link
 *
 * The result is printed as JSON and recorded in the audit log itself (audit_verified, by the system).
 */
import type { Database } from '../../db/client.ts';
import { audit } from '../domain/audit.ts';
import { sealAudit, verifyChain, type VerifyReport } from '../domain/audit-chain.ts';
import { isEntry } from '../runtime.ts';

export async function verifyCommand(database: Database): Promise<VerifyReport> {
  const sealed = await sealAudit(database.db, { wait: true });
  const report = await verifyChain(database.db);
  await audit(database.db, null, 'audit_verified', null, {
    via: 'cli',
    sealed: sealed.sealed,
    ok: report.ok,
    checked: report.checked,
    firstBroken: report.firstBroken,
  });
  return report;
}

async function cli(): Promise<number> {
  const { connect } = await import('../../db/client.ts');
  const { loadConfig } = await import('../config.ts');
  const { installKeys } = await import('../domain/privacy/keyring.ts');
  const config = loadConfig();
  installKeys(config);
  const database = await connect({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, max: 2 });
  try {
    const report = await verifyCommand(database);
    console.log(JSON.stringify(report, null, 2));
    if (!report.ok) {
      const b = report.firstBroken!;
      console.error(`audit chain broken at seq ${b.seq}${b.id === null ? '' : ` (row ${b.id})`}: ${b.reason}`);
    }
    return report.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}

if (isEntry(import.meta.url)) {
  cli().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(2);
    },
  );
}
