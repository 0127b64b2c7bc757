/**
 * What the demo city's callers say and what its units answer, per leaf category of src/seed/categories.ts: several
 * demands per category, each composed from parts (the place of the call — street, community, road,
 * compound, landmark — a duration, a time of night, a company, a sum) so no two read alike; the units'
 * replies and the reasons they give for returns, extensions and terminations; the questions a direct
 * answer settles from the knowledge base; the "办不成事" window's matters. Plain data and small functions,
 * in demands/: one file per category group, the parts they compose, the words outside demands, the callers.
 */
import { CITY_MANAGEMENT } from './demands/city-management.ts';
import { ENVIRONMENT } from './demands/environment.ts';
import { GOVERNMENT_SERVICES } from './demands/government-services.ts';
import { HOUSING } from './demands/housing.ts';
import { LABOUR } from './demands/labour.ts';
import { MARKET } from './demands/market.ts';
import type { LeafSpec } from './demands/parts.ts';
import { phrasingsOf } from './demands/phrasings/index.ts';
import { TRANSPORT } from './demands/transport.ts';
import { UTILITIES } from './demands/utilities.ts';

export type { Ctx, LeafSpec } from './demands/parts.ts';
export * from './demands/words.ts';
export * from './demands/callers.ts';
export { sayDemand, type Said } from './demands/say.ts';

/**
 * Every leaf category, in the catalogue's order (the history draws from it by position, so the order is part of the data),
 * with the phrasings callers really use for the frequent ones (demands/phrasings/).
 */
export const LEAVES: readonly LeafSpec[] = [
  ...CITY_MANAGEMENT,
  ...HOUSING,
  ...TRANSPORT,
  ...MARKET,
  ...GOVERNMENT_SERVICES,
  ...LABOUR,
  ...ENVIRONMENT,
  ...UTILITIES,
].map((l) => {
  const phrasings = phrasingsOf(l.path);
  return phrasings.length ? { ...l, phrasings } : l;
});
