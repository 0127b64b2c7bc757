/**
 * The dispatch catalogue's pure core: which rules match a ticket, which units each names, and the
 * ranking the dispatcher sees. Plain rows in, plain candidates out; no database.
 */
import type { UnitKind } from '../vocab.ts';

export const LEAD_MODES = ['unit', 'street', 'district'] as const;
export type LeadMode = (typeof LEAD_MODES)[number];

/** The columns of dispatch_rules that routing reads. */
export type RuleRow = {
  id: number;
  name: string;
  categoryId: number | null;
  districtUnitId: number | null;
  streetUnitId: number | null;
  keyword: string | null;
  leadMode: string;
  leadUnitId: number | null;
  assistUnitIds: number[];
  copyDistrict: boolean;
  priority: number;
  active: boolean;
};

export type UnitInfo = { id: number; name: string; kind: UnitKind; path: string; active: boolean };

export type RoutingTicket = {
  /** The ticket's category and its ancestors, each with its level (1 = top). */
  categories: { id: number; level: number }[];
  streetUnitId: number | null;
  districtUnitId: number | null;
  title: string;
  content: string;
};

export type Candidate = {
  leadUnitId: number;
  assistUnitIds: number[];
  /** Informed, not assigned (抄送): Beijing copies the street's district. */
  copyUnitIds: number[];
  rule: { id: number; name: string } | null;
  score: number;
  /** Stable codes, in the order they apply (see docs/routing.md). */
  reasons: string[];
  /** Not what the rule asked for: a street rule without a known street, or no rule at all. Never auto-dispatched. */
  fallback: boolean;
};

export type Exclusion = { rule: { id: number; name: string } | null; unitId: number | null; reason: 'returned' | 'unit_inactive' | 'place_unknown' };

/** Weights that make the score order lexicographic: street > district > category depth (0–3) > keyword. */
const W_STREET = 16;
const W_DISTRICT = 8;
const W_DEPTH = 2;
const W_KEYWORD = 1;
/** Priorities lie in [-PRIORITY_MAX, PRIORITY_MAX]; specificity always outranks them. */
export const PRIORITY_MAX = 999;
const SPECIFICITY_STEP = 10_000;

export type Match = { specificity: number; reasons: string[] };

/**
 * Does the rule apply to the ticket? Its category (if set) is the ticket's leaf or an ancestor; its
 * district and street (if set) are the ticket's; its keyword (if set) occurs in the title or content.
 */
export function matchRule(rule: RuleRow, t: RoutingTicket): Match | null {
  if (!rule.active) return null;
  const reasons: string[] = [];
  let specificity = 0;
  if (rule.categoryId !== null) {
    const c = t.categories.find((x) => x.id === rule.categoryId);
    if (!c) return null;
    specificity += W_DEPTH * c.level;
    reasons.push('category_match');
  }
  if (rule.districtUnitId !== null) {
    if (rule.districtUnitId !== t.districtUnitId) return null;
    specificity += W_DISTRICT;
    reasons.push('district_match');
  }
  if (rule.streetUnitId !== null) {
    if (rule.streetUnitId !== t.streetUnitId) return null;
    specificity += W_STREET;
    reasons.push('street_match');
  }
  const keyword = rule.keyword?.trim().toLowerCase();
  if (keyword) {
    if (!t.title.toLowerCase().includes(keyword) && !t.content.toLowerCase().includes(keyword)) return null;
    specificity += W_KEYWORD;
    reasons.push('keyword_match');
  }
  return { specificity, reasons };
}

export function scoreOf(specificity: number, priority: number): number {
  const p = Math.max(-PRIORITY_MAX, Math.min(PRIORITY_MAX, priority));
  return specificity * SPECIFICITY_STEP + p;
}

/** The ancestor of `unit` (or the unit itself) of the given kind, from its materialised path. */
export function ancestorOfKind(unit: UnitInfo, kind: UnitKind, units: ReadonlyMap<number, UnitInfo>): UnitInfo | null {
  const ids = unit.path.split('/').filter(Boolean).map(Number).reverse();
  for (const id of ids) {
    const u = units.get(id);
    if (u?.kind === kind) return u;
  }
  return null;
}

/** Unit ids a suggestion may need to look up: the ticket's place, every rule's units, and (through paths) their districts. */
export function unitIdsToLoad(t: RoutingTicket, rules: RuleRow[]): number[] {
  const ids = new Set<number>();
  for (const id of [t.streetUnitId, t.districtUnitId]) if (id) ids.add(id);
  for (const r of rules) {
    if (r.leadUnitId) ids.add(r.leadUnitId);
    for (const a of r.assistUnitIds) ids.add(a);
  }
  return [...ids];
}

export type SuggestInput = {
  ticket: RoutingTicket;
  rules: RuleRow[];
  /** Every unit named by the ticket or a rule, and their ancestors. */
  units: ReadonlyMap<number, UnitInfo>;
  /** Units that returned this ticket (退单): never suggested as lead again. */
  returnedUnitIds: ReadonlySet<number>;
};

/**
 * Ranked candidates for a ticket. Each matching rule names a lead (its unit, the ticket's street, or
 * the ticket's district), assisting units and copies; one candidate per lead unit, the best kept.
 * With no rule candidate: the ticket's street with its district copied (Beijing), else the district
 * ('unit_unclear'), else nothing.
 */
export function suggest(input: SuggestInput): { candidates: Candidate[]; excluded: Exclusion[] } {
  const { ticket: t, units, returnedUnitIds } = input;
  const usable = (id: number | null | undefined): id is number => !!id && !!units.get(id)?.active;
  const excluded: Exclusion[] = [];
  const street = t.streetUnitId ? (units.get(t.streetUnitId) ?? null) : null;
  const districtId = t.districtUnitId ?? (street ? (ancestorOfKind(street, 'district', units)?.id ?? null) : null);

  const fromRules: Candidate[] = [];
  for (const rule of input.rules) {
    const m = matchRule(rule, t);
    if (!m) continue;
    const ref = { id: rule.id, name: rule.name };
    const reasons = [...m.reasons];
    let lead: number | null = null;
    let fallback = false;
    if (rule.leadMode === 'unit') {
      lead = rule.leadUnitId;
      reasons.push('lead_unit');
    } else if (rule.leadMode === 'street') {
      if (t.streetUnitId) {
        lead = t.streetUnitId;
        reasons.push('lead_street');
      } else if (districtId) {
        // Unit unclear → the district (Beijing Art. 12), never an auto-dispatch.
        lead = districtId;
        fallback = true;
        reasons.push('street_unknown', 'unit_unclear');
      }
    } else if (rule.leadMode === 'district') {
      lead = districtId;
      reasons.push('lead_district');
    }
    if (!lead) {
      excluded.push({ rule: ref, unitId: null, reason: 'place_unknown' });
      continue;
    }
    if (returnedUnitIds.has(lead)) {
      excluded.push({ rule: ref, unitId: lead, reason: 'returned' });
      continue;
    }
    if (!usable(lead)) {
      excluded.push({ rule: ref, unitId: lead, reason: 'unit_inactive' });
      continue;
    }
    const assist = unique(rule.assistUnitIds.filter((id) => id !== lead && usable(id)));
    const copy: number[] = [];
    if (rule.copyDistrict) {
      const leadUnit = units.get(lead)!;
      const d = leadUnit.kind === 'street' ? ancestorOfKind(leadUnit, 'district', units)?.id : leadUnit.kind === 'district' ? undefined : districtId;
      if (d && d !== lead && !assist.includes(d) && usable(d)) {
        copy.push(d);
        reasons.push('copy_district');
      }
    }
    fromRules.push({ leadUnitId: lead, assistUnitIds: assist, copyUnitIds: copy, rule: ref, score: scoreOf(m.specificity, rule.priority), reasons, fallback });
  }

  const ranked = fromRules.sort((a, b) => b.score - a.score || Number(a.fallback) - Number(b.fallback) || a.rule!.id - b.rule!.id);
  const candidates: Candidate[] = [];
  const seen = new Set<number>();
  for (const c of ranked) {
    if (seen.has(c.leadUnitId)) continue;
    seen.add(c.leadUnitId);
    candidates.push(c);
  }
  if (candidates.length > 0) return { candidates, excluded };

  // No rule names a unit: Beijing style, straight to the street with its district copied.
  if (street && returnedUnitIds.has(street.id)) excluded.push({ rule: null, unitId: street.id, reason: 'returned' });
  if (street && usable(street.id) && !returnedUnitIds.has(street.id)) {
    const copy = districtId && usable(districtId) ? [districtId] : [];
    candidates.push({
      leadUnitId: street.id,
      assistUnitIds: [],
      copyUnitIds: copy,
      rule: null,
      score: 0,
      reasons: ['no_rule', 'street_default', ...(copy.length ? ['copy_district'] : [])],
      fallback: true,
    });
    return { candidates, excluded };
  }
  // Nothing is clear: the district.
  if (districtId && returnedUnitIds.has(districtId)) excluded.push({ rule: null, unitId: districtId, reason: 'returned' });
  if (districtId && usable(districtId) && !returnedUnitIds.has(districtId)) {
    candidates.push({ leadUnitId: districtId, assistUnitIds: [], copyUnitIds: [], rule: null, score: 0, reasons: ['no_rule', 'unit_unclear'], fallback: true });
  }
  return { candidates, excluded };
}

/** The candidate to dispatch automatically, if the ranking is decided: a rule's own choice, strictly ahead of the next. */
export function autoDispatchChoice(candidates: Candidate[]): Candidate | null {
  const [top, next] = candidates;
  if (!top?.rule || top.fallback) return null;
  if (next && next.score === top.score) return null;
  return top;
}

function unique(ids: number[]): number[] {
  return [...new Set(ids)];
}
