export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
export function fixedClock(at: Date | string): Clock & { set(d: Date | string): void; advance(ms: number): void } {
  let t = new Date(at);
  return {
    now: () => new Date(t),
    set: (d) => void (t = new Date(d)),
    advance: (ms) => void (t = new Date(t.getTime() + ms)),
  };
}

const SHANGHAI = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
/** The Asia/Shanghai calendar date of an instant, as YYYY-MM-DD. */
export function shanghaiDate(d: Date): string {
  return SHANGHAI.format(d);
}

/** Asia/Shanghai wall-clock time to the minute (UTC+8, no daylight saving), e.g. "2026-03-10 17:30". */
export function shanghaiMinute(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}
