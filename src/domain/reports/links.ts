/**
 * The report's numerators and denominators as links to their tickets, so every figure leads to the tickets behind it: each opens the drill-down
 * screen /metrics/tickets (GET /api/metrics/tickets) for the same metric, month and unit scope — the whole city, a
 * unit with everything below it (含下级, `unitId`) or its own assignments (本级, `unitId` and `scope=own`) — without
 * the tickets exempted by approved appeals, as the report's figures. The addresses are absolute (PUBLIC_BASE_URL):
 * a PDF has no page to be relative to, and Chromium keeps them as link annotations. Without a public address the
 * figures stay plain text, as a relative link would lead nowhere from a downloaded file.
 */
import type { MetricKey } from '../metrics/definitions.ts';
import { esc, int } from './format.ts';

type Part = 'numerator' | 'denominator';
/** Whose figure: the city (no unit), a unit's subtree, or its own assignments. */
export type FigureScope = { unitId: number; own?: boolean } | undefined;

/** The drill-down address of one side of a month's figure. */
export function drillUrl(base: string, q: { metric: MetricKey; part: Part; month: string; scope?: FigureScope }): string {
  const p = new URLSearchParams({ metric: q.metric, part: q.part, period: 'month', from: q.month });
  if (q.scope) p.set('unitId', String(q.scope.unitId));
  if (q.scope?.own) p.set('scope', 'own');
  return `${base.replace(/\/+$/, '')}/metrics/tickets?${p}`;
}

export type FractionHtml = (numerator: number, denominator: number, metric: MetricKey, scope?: FigureScope) => string;

/** `n / d` as HTML, each side a link to its tickets when the report knows its public address. */
export function fractionHtml(baseUrl: string | undefined, month: string): FractionHtml {
  const side = (n: number, metric: MetricKey, part: Part, scope: FigureScope) =>
    baseUrl ? `<a href="${esc(drillUrl(baseUrl, { metric, part, month, scope }))}">${esc(int(n))}</a>` : esc(int(n));
  return (n, d, metric, scope) => `${side(n, metric, 'numerator', scope)} / ${side(d, metric, 'denominator', scope)}`;
}
