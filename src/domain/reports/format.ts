/** How the report writes numbers, in the HTML (PDF) and wherever text is needed; the XLSX keeps raw values. */
/** A month's figure beside the previous month's: the difference and its rate (null when the previous was 0). */
export type Change = { current: number; previous: number; change: number; changeRate: number | null };

/** Text for HTML (content and attribute values). */
export const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
export const int = (n: number) => n.toLocaleString('zh-CN');
/** A fraction as a percentage with one decimal; — when there is nothing to divide. */
export const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const signed = (n: number, text: string) => (n > 0 ? `+${text}` : text);
/** +12（+8.3%） · −3（−20.0%） · +5（上月为 0） */
export function changeText(c: Pick<Change, 'change' | 'changeRate'>): string {
  const abs = signed(c.change, int(c.change));
  if (c.change === 0) return '持平';
  return c.changeRate === null ? `${abs}（上月为 0）` : `${abs}（${signed(c.changeRate, `${(c.changeRate * 100).toFixed(1)}%`)}）`;
}
/** Change of a rate in percentage points. */
export const pointsText = (p: number | null) => (p === null ? '—' : p === 0 ? '持平' : `${signed(p, p.toFixed(1))} 个百分点`);
/** 2026-03-01T18:00:00.000Z → 2026-03-02 02:00 (Asia/Shanghai) */
export function shanghaiTime(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}
/** A figure as the report writes it: a rate as a percentage, 平均派单时长 in minutes. */
export const figureText = (v: number | null, unit: 'rate' | 'minutes') => (unit === 'minutes' ? (v === null ? '—' : `${v.toFixed(1)} 分钟`) : pct(v));
/** A change of a rate in percentage points, of minutes in minutes. */
export const changeOf = (p: number | null, unit: 'rate' | 'minutes') =>
  unit === 'minutes' ? (p === null ? '—' : p === 0 ? '持平' : `${signed(p, p.toFixed(1))} 分钟`) : pointsText(p);
