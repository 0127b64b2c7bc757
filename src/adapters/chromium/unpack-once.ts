import fs from 'node:fs';

/**
 * Makes `target` once per machine, however many processes ask at the same time (two vitest workers launching
 * Chromium, the app and a test): one holds a lock folder while it builds into a folder of its own, which it
 * renames to `target` when complete, so `target` is never seen half-written; the others wait for it. A lock left
 * by a process that died is taken over after `staleMs`.
 */
export async function buildOnce(target: string, build: (staging: string) => Promise<void>, staleMs = 120_000): Promise<string> {
  if (fs.existsSync(target)) return target;
  const lock = `${target}.lock`;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (fs.existsSync(target)) return target;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > staleMs) fs.rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    if (fs.existsSync(target)) return target;
    const staging = `${target}.${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    try {
      await build(staging);
      fs.renameSync(staging, target);
    } catch (e) {
      fs.rmSync(staging, { recursive: true, force: true });
      throw e;
    }
    return target;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
