import { useEffect, useRef, useState } from 'preact/hooks';
import { locale, t } from './i18n.ts';

const TZ = 'Asia/Shanghai';
const fmt = (opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale(), { timeZone: TZ, hour12: false, ...opts });

/** 03-10 10:05 (Asia/Shanghai, whatever the browser's zone). */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return fmt({ month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}
export function fullTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return fmt({ year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}
/** YYYY-MM-DD of an instant in Asia/Shanghai. */
export function shanghaiDay(d: Date | string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(d));
}

/** "剩 2天3时" / "超 15分": the time left to a deadline, or how far past it. */
export function countdown(deadline: string, now: number): { text: string; overdue: boolean; ms: number } {
  const ms = new Date(deadline).getTime() - now;
  const a = Math.abs(ms);
  const d = Math.floor(a / 86_400_000);
  const h = Math.floor((a % 86_400_000) / 3_600_000);
  const m = Math.floor((a % 3_600_000) / 60_000);
  const s = Math.floor((a % 60_000) / 1000);
  const span = d > 0 ? t('time.dh', { d, h }) : h > 0 ? t('time.hm', { h, m }) : t('time.ms', { m, s });
  return { text: ms >= 0 ? t('time.left', { span }) : t('time.over', { span }), overdue: ms < 0, ms };
}

/** The current time, re-rendering every `ms`. One timer per component using it. */
export function useNow(ms = 1000): number {
  const [now, set] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => set(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** A function that runs `fn` once, `ms` after the last call (coalesces bursts of live events). */
export function useDebounced(fn: () => void, ms: number): () => void {
  const ref = useRef(fn);
  ref.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  return useRef(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => ref.current(), ms);
  }).current;
}

let publicBase = '';
/** The server's PUBLIC_BASE_URL (from the session), so the QR code shows the link the SMS receipt carries. */
export const setPublicBase = (url: string | undefined) => void (publicBase = (url ?? '').replace(/\/+$/, ''));

/** The look-up link a citizen can open (carried by the SMS receipt and the QR code); this origin until the session says otherwise. */
export function lookupLink(number: string): string {
  return `${publicBase || window.location.origin}/lookup?n=${encodeURIComponent(number)}`;
}

/** An ISO instant as the value of <input type="datetime-local"> in the browser's zone. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
