import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { demoCalendar } from '../../src/seed/calendar.ts';

/** The State Council tables as written in docs/domain.md §6: days off (inclusive ranges) and make-up working days. */
const DOMAIN_TABLES: Record<number, { off: [string, string][]; makeUp: string[] }> = {
  2025: {
    off: [
      ['2025-01-01', '2025-01-01'],
      ['2025-01-28', '2025-02-04'],
      ['2025-04-04', '2025-04-06'],
      ['2025-05-01', '2025-05-05'],
      ['2025-05-31', '2025-06-02'],
      ['2025-10-01', '2025-10-08'],
    ],
    makeUp: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  2026: {
    off: [
      ['2026-01-01', '2026-01-03'], // 元旦
      ['2026-02-15', '2026-02-23'], // 春节
      ['2026-04-04', '2026-04-06'], // 清明
      ['2026-05-01', '2026-05-05'], // 劳动节
      ['2026-06-19', '2026-06-21'], // 端午
      ['2026-09-25', '2026-09-27'], // 中秋
      ['2026-10-01', '2026-10-07'], // 国庆
    ],
    makeUp: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
};

function expand([from, to]: [string, string]): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();

describe('demoCalendar', () => {
  const rows = demoCalendar();

  for (const [year, table] of Object.entries(DOMAIN_TABLES)) {
    it(`matches the ${year} table of docs/domain.md §6 day for day`, () => {
      const ofYear = rows.filter((r) => r.day.startsWith(`${year}-`));
      const holidays = ofYear
        .filter((r) => r.kind === 'holiday')
        .map((r) => r.day)
        .sort();
      const workdays = ofYear
        .filter((r) => r.kind === 'workday')
        .map((r) => r.day)
        .sort();
      expect(holidays).toEqual(table.off.flatMap(expand).sort());
      expect(workdays).toEqual([...table.makeUp].sort());
    });
  }

  it('has only 2025 and 2026 rows, one per day, each named', () => {
    expect(rows.every((r) => r.day.startsWith('2025-') || r.day.startsWith('2026-'))).toBe(true);
    expect(new Set(rows.map((r) => r.day)).size).toBe(rows.length);
    expect(rows.every((r) => r.name.length > 0)).toBe(true);
  });

  it('marks make-up days as workdays on weekends, and weekends inside a break as holidays', () => {
    const byDay = new Map(rows.map((r) => [r.day, r]));
    expect(byDay.get('2026-02-14')).toMatchObject({ kind: 'workday', name: '春节调休上班' });
    expect(weekday('2026-02-14')).toBe(6);
    expect(byDay.get('2026-02-15')).toMatchObject({ kind: 'holiday', name: '春节' }); // a Sunday inside 春节
    expect(byDay.get('2026-10-07')).toMatchObject({ kind: 'holiday', name: '国庆节' });
    expect(byDay.has('2026-10-08')).toBe(false); // 2026 国庆 ends 10/7: an ordinary Thursday
    expect(byDay.get('2025-10-08')?.kind).toBe('holiday'); // 2025 国庆+中秋 ran to 10/8
    expect(byDay.get('2026-01-04')).toMatchObject({ kind: 'workday', name: '元旦调休上班' });
    for (const r of rows) if (r.kind === 'workday') expect([0, 6]).toContain(weekday(r.day));
  });

  it('does not depend on the process time zone (chinese-days shifts its own lookups west of UTC)', () => {
    const seed = fileURLToPath(new URL('../../src/seed/calendar.ts', import.meta.url));
    const script = `const m = await import(${JSON.stringify(pathToFileURL(seed).href)}); console.log(JSON.stringify(m.demoCalendar()));`;
    for (const tz of ['America/Los_Angeles', 'Pacific/Kiritimati']) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
      });
      expect(JSON.parse(out), tz).toEqual(rows);
    }
  }, 30_000);
});
