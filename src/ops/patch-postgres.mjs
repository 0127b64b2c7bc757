#!/usr/bin/env node
/**
 * postgres.js 3.4.9 can crash the whole process when a connection dies under load (seen in
 * test/faults/crash.test.ts when PostgreSQL is killed): a small write is deferred with setImmediate, the
 * socket closes meanwhile, and the deferred `socket.write` on null throws an uncatchable TypeError
 * (porsager/postgres#1154, #1208; fixes proposed in #1168/#1176/#1209, not released). The teardown paths also
 * leave a stale timer id behind, so a reused connection can never flush again.
 *
 * This applies the upstream-proposed guard, idempotently, to every build of connection.js in
 * node_modules/postgres: a write with no socket settles the pending queries with CONNECTION_CLOSED (which
 * the app answers as 503), and teardown resets the write buffer. Runs on `npm install` / `npm ci`
 * (postinstall); remove once a fixed postgres release is out.
 *
 * A second change coalesces pipelined statements into one socket write: postgres.js sends a statement at once when
 * its buffered bytes reach 1 KiB, else at the next setImmediate with whatever else was queued meanwhile. A command
 * pipelines its statements inside its transaction (intake sends its ticket, contact, events, message and
 * assignments together), and most of them pass 1 KiB with their parameters, so each went out as a write of its own:
 * one system call per statement, which on loopback also pays the receiving side's work (a fifth of the app's CPU
 * per ticket in the intake benchmark's profile). With the threshold at 64 KiB the statements queued in one turn of
 * the event loop leave in one write; a larger statement (a bulk insert) still goes at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const MARK = '/* jiesu: nextWrite guard (porsager/postgres#1208) */';
const COALESCE_MARK = '/* jiesu: coalesce pipelined statements */';
const COALESCE_BYTES = 65536;
const require = createRequire(import.meta.url);
let root;
try {
  // The package's exports map hides package.json: resolve its entry and walk up to the package folder.
  root = path.dirname(require.resolve('postgres'));
  while (!fs.existsSync(path.join(root, 'package.json')) || JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).name !== 'postgres') {
    const up = path.dirname(root);
    if (up === root) throw new Error('postgres package folder not found');
    root = up;
  }
} catch {
  console.log('patch-postgres: postgres is not installed; nothing to patch');
  process.exit(0);
}
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
let patched = 0;
for (const rel of ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js']) {
  const file = path.join(root, rel);
  if (!fs.existsSync(file)) continue;
  let s = fs.readFileSync(file, 'utf8');
  const before = s;
  // Each change once: a file patched by an earlier version of this script gets only what it lacks.
  if (!s.includes(MARK)) {
    s = s.replace(
      /function nextWrite\(fn\) \{\n(\s*)const x = socket\.write\(chunk, fn\)/,
      (_m, indent) =>
        `function nextWrite(fn) {\n${indent}${MARK}\n${indent}if (socket === null) {\n${indent}  chunk = nextWriteTimer = null\n${indent}  error(Errors.connection('CONNECTION_CLOSED', options))\n${indent}  return false\n${indent}}\n${indent}const x = socket.write(chunk, fn)`,
    );
    s = s.replace(
      /\n(\s*)clearImmediate\(nextWriteTimer\)\n/g,
      (_m, indent) => `\n${indent}clearImmediate(nextWriteTimer)\n${indent}chunk = nextWriteTimer = null\n`,
    );
  }
  if (!s.includes(COALESCE_MARK)) {
    s = s.replace(/if \(fn \|\| chunk\.length >= 1024\)/, `if (fn || chunk.length >= ${COALESCE_BYTES}) ${COALESCE_MARK}`);
  }
  if (!s.includes(MARK) || !s.includes(COALESCE_MARK)) {
    console.error(`patch-postgres: postgres ${version} ${rel} does not look as expected; the write guard or the coalescing was not applied`);
    process.exitCode = 1;
    continue;
  }
  if (s === before) continue;
  fs.writeFileSync(file, s);
  patched++;
}
console.log(`patch-postgres: postgres ${version}: ${patched ? `patched ${patched} file(s)` : 'already patched'}`);
