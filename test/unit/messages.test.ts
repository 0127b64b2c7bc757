import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_MESSAGES, LABELS, message, pickLocale } from '../../src/i18n/messages.ts';
import { ASSIGNMENT_ACTIONS, ASSIGNMENT_STATUSES, TICKET_ACTIONS, TICKET_STATUSES } from '../../src/domain/tickets/status.ts';

describe('ERROR_MESSAGES', () => {
  it.each(Object.entries(ERROR_MESSAGES))('%s has a Chinese and an English text', (_code, texts) => {
    expect(texts['zh-CN'].trim()).not.toBe('');
    expect(texts.en.trim()).not.toBe('');
    // both languages use the same placeholders
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect(names(texts.en)).toEqual(names(texts['zh-CN']));
  });
});

describe('LABELS', () => {
  it('names every status and action a message can mention, in both languages', () => {
    for (const k of [...TICKET_STATUSES, ...ASSIGNMENT_STATUSES, ...TICKET_ACTIONS, ...ASSIGNMENT_ACTIONS, 'return', 'extension', 'termination']) {
      expect(LABELS[k], k).toBeDefined();
      expect(LABELS[k]!['zh-CN'].trim(), k).not.toBe('');
      expect(LABELS[k]!.en.trim(), k).not.toBe('');
    }
  });
});

describe('message', () => {
  it('fills {params}', () => {
    expect(message('version_conflict', 'zh-CN', { current: 7 })).toBe('该记录已被他人修改（当前版本 7），请刷新后重试。');
    expect(message('version_conflict', 'en', { current: 7 })).toBe('Someone else changed this first (now version 7); reload and try again.');
    expect(message('category_unknown', 'en', { categoryId: 99 })).toBe('Category 99 does not exist or is not a leaf; choose another.');
  });

  it('translates statuses and actions through LABELS', () => {
    expect(message('invalid_transition', 'zh-CN', { status: 'awaiting_review', action: 'reply' })).toBe('当前状态为“答复待审核”，不能执行“答复”。');
    expect(message('invalid_transition', 'en', { status: 'closed', action: 'reopen' })).toBe('The current status is "closed"; "reopen" is not possible now.');
    expect(message('no_pending_request', 'zh-CN', { kind: 'extension' })).toBe('没有待审核的延期申请。');
  });

  it('leaves no placeholder behind when a param is missing', () => {
    const m = message('unit_unknown', 'en');
    expect(m).not.toMatch(/[{}]/);
    expect(m).toBe('Unit  does not exist or is inactive.');
  });

  it('falls back to the internal error for an unknown code', () => {
    expect(message('no_such_code', 'en', { requestId: 'r-1' })).toBe('Internal error; give request id r-1 to an administrator.');
  });
});

describe('pickLocale', () => {
  it.each([
    ['en-US,en;q=0.9', 'en'],
    ['en', 'en'],
    ['EN-gb', 'en'],
    ['fr-FR, en;q=0.5', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['zh-Hant-HK', 'zh-CN'],
    ['*', 'zh-CN'],
    ['', 'zh-CN'],
    ['fr-FR', 'zh-CN'],
    [undefined, 'zh-CN'],
  ] as const)('%j → %s', (header, locale) => {
    expect(pickLocale(header)).toBe(locale);
  });
});

// ---------------------------------------------------------------- every code thrown in src/ has a message

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

/**
 * The argument list of a call whose '(' is at `open`: top-level arguments as source text.
 * Skips string literals, template literals and comments so brackets inside them don't count.
 */
function callArgs(src: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < src.length; i++) {
    const c = src[i]!;
    if (c === "'" || c === '"' || c === '`') {
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === '\\') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      i = src.indexOf('\n', i);
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      i = src.indexOf('*/', i) + 1;
      continue;
    }
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      depth--;
      if (depth === 0) {
        const last = src.slice(start, i).trim();
        if (last) args.push(last);
        return args;
      }
    } else if (c === ',' && depth === 1) {
      args.push(src.slice(start, i).trim());
      start = i + 1;
    }
  }
  throw new Error(`unbalanced call at ${open}`);
}

const literals = (expr: string) => [...expr.matchAll(/'([^'\\]*)'|"([^"\\]*)"/g)].map((m) => m[1] ?? m[2]!);
const lineOf = (src: string, at: number) => src.slice(0, at).split('\n').length;

type Found = { code: string; where: string };

function collectCodes(): { found: Found[]; dynamic: string[] } {
  const found: Found[] = [];
  const dynamic: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const src = fs.readFileSync(file, 'utf8');
    const rel = path.relative(SRC, file);
    const add = (code: string, at: number) => found.push({ code, where: `src/${rel}:${lineOf(src, at)}` });

    // new XError(code, …): the first argument; ValidationError(issues, code): the second
    for (const m of src.matchAll(
      /new (DomainError|ConflictError|UnprocessableError|NotFoundError|ForbiddenError|UnauthenticatedError|UnavailableError|ValidationError)\(/g,
    )) {
      const open = m.index + m[0].length - 1;
      const args = callArgs(src, open);
      const codeArg = m[1] === 'ValidationError' ? args[1] : args[0];
      if (codeArg === undefined) continue; // the class's default code, collected below
      const lits = literals(codeArg);
      if (lits.length === 0) dynamic.push(`src/${rel}:${lineOf(src, m.index)} ${m[0]}${codeArg}`);
      for (const l of lits) add(l, m.index); // includes the fallback of `x ?? 'code'`
    }
    // writeProblem(ctx, 404, 'code', …)
    for (const m of src.matchAll(/writeProblem\(\s*\w+\s*,\s*\d{3}\s*,\s*'([^']+)'/g)) add(m[1]!, m.index);
    // codes stored for later errors: ctx.state.authError = 'session_expired'
    for (const m of src.matchAll(/authError\s*=\s*'([^']+)'/g)) add(m[1]!, m.index);
    // the error classes' own defaults: `code = 'forbidden'`, `super('payload_too_large', 413)`
    if (rel === path.join('domain', 'errors.ts')) {
      for (const m of src.matchAll(/\bcode = '([^']+)'/g)) add(m[1]!, m.index);
      for (const m of src.matchAll(/super\('([^']+)'/g)) add(m[1]!, m.index);
    }
  }
  return { found, dynamic };
}

describe('every error code used in src/ has a message', () => {
  const { found, dynamic } = collectCodes();

  it('the scan finds the codes it should (it is not vacuous)', () => {
    const codes = new Set(found.map((f) => f.code));
    for (const c of [
      'invalid_transition', // ConflictError
      'category_unknown', // UnprocessableError
      'ticket_not_found', // NotFoundError
      'invalid_credentials', // DomainError
      'password_policy', // ValidationError second argument
      'invalid_json', // ValidationError second argument
      'route_not_found', // writeProblem
      'internal_error', // writeProblem
      'session_expired', // authError
      'unauthenticated', // UnauthenticatedError(x ?? 'unauthenticated')
      'forbidden', // ForbiddenError default
      'not_found', // NotFoundError default
      'validation_failed', // ValidationError default
      'payload_too_large', // super(...) in errors.ts
    ])
      expect(codes, c).toContain(c);
    expect(codes.size).toBeGreaterThan(25);
  });

  it('no error is raised with a code the scan cannot see', () => {
    expect(dynamic).toEqual([]);
  });

  it('each code has an entry in ERROR_MESSAGES', () => {
    const missing = found.filter((f) => !Object.hasOwn(ERROR_MESSAGES, f.code)).map((f) => `${f.code} (${f.where})`);
    expect(missing).toEqual([]);
  });
});
