/**
 * Which Chromium prints the monthly report's PDF and drives the browser tests, and how to launch it:
 * 1. CHROMIUM_PATH when set (a missing file there is an error, not a fallback);
 * 2. else the machine's own, /usr/bin/chromium (Debian: apt-get install chromium);
 * 3. else the one npm installed, @sparticuz/chromium: a compressed build unpacked once per machine into the temp
 *    folder (~3.5 s; two processes asking at once unpack it once), with the few libraries it needs (NSS, expat).
 * Whichever it is, fontconfig also sees the packaged Chinese font (cjk-font.ts), so Chinese renders on a machine
 * without CJK fonts; the machine's own fonts still come first where it has them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pipeline } from 'node:stream/promises';
import { cjkFontConfig } from './cjk-font.ts';
import { buildOnce } from './unpack-once.ts';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Headless flags for this machine's closed network (no first-run, no background requests) and for root (no sandbox). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type ChromiumLaunch = {
  executablePath: string;
  args: string[];
  /** the browser's environment: this process's plus fontconfig's file (and the bundled build's libraries) */
  env: Record<string, string>;
  source: 'CHROMIUM_PATH' | 'system' | 'npm';
};

export class ChromiumMissingError extends Error {}

const require = createRequire(import.meta.url);

export async function resolveChromium(configured = process.env.CHROMIUM_PATH || undefined): Promise<ChromiumLaunch> {
  const fonts = await cjkFontConfig();
  const env = { ...(process.env as Record<string, string>), FONTCONFIG_FILE: fonts.fontsConf };
  if (configured) {
    if (!isExecutable(configured)) throw new ChromiumMissingError(`no browser at CHROMIUM_PATH=${configured}`);
    return { executablePath: configured, args: CHROMIUM_ARGS, env, source: 'CHROMIUM_PATH' };
  }
  if (isExecutable(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, args: CHROMIUM_ARGS, env, source: 'system' };
  const dir = await unpackBundled();
  const libs = path.join(dir, 'lib');
  return {
    executablePath: path.join(dir, 'chromium'),
    args: CHROMIUM_ARGS,
    env: { ...env, LD_LIBRARY_PATH: [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') },
    source: 'npm',
  };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).size > 0;
  } catch {
    return false;
  }
}

/** @sparticuz/chromium's bin/ unpacked: the browser, and its libraries (al2023: NSS, NSPR, expat). No SwiftShader: we run with --disable-gpu. */
async function unpackBundled(): Promise<string> {
  let bin: string;
  try {
    bin = path.join(path.dirname(require.resolve('@sparticuz/chromium')), '..', '..', 'bin');
  } catch {
    throw new ChromiumMissingError(`no Chromium: neither ${SYSTEM_CHROMIUM} nor the npm package @sparticuz/chromium (run npm install)`);
  }
  const { version } = JSON.parse(fs.readFileSync(path.join(bin, '..', 'package.json'), 'utf8')) as { version: string };
  return buildOnce(path.join(os.tmpdir(), `jiesu-chromium-${version}`), async (staging) => {
    await pipeline(
      fs.createReadStream(path.join(bin, 'chromium.br')),
      zlib.createBrotliDecompress(),
      fs.createWriteStream(path.join(staging, 'chromium'), { mode: 0o755 }),
    );
    await untarBrotli(path.join(bin, 'al2023.tar.br'), staging);
  });
}

/** A .tar.br archive into a folder, through the system's tar (on every Linux), from a decompressed copy (tar may stop reading at its end marker). */
async function untarBrotli(file: string, into: string) {
  const tarFile = path.join(into, `${path.basename(file, '.br')}`);
  await pipeline(fs.createReadStream(file), zlib.createBrotliDecompress(), fs.createWriteStream(tarFile));
  const r = spawnSync('tar', ['-xf', tarFile, '-C', into], { encoding: 'utf8' });
  fs.rmSync(tarFile, { force: true });
  if (r.status !== 0) throw new Error(`tar -xf ${path.basename(tarFile)} failed (${r.status}): ${r.stderr}`);
}
