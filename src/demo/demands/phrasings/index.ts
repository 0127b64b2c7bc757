/**
 * What callers really say, for the frequent leaf categories (by weight): dozens of phrasings each, written by the team as
 * calls to a 12345 line sound — colloquial, with dialect words, run-on sentences and the odd slip of the pen — and the
 * short, standard titles an operator would give them. The demands of ../*.ts are composed from parts; these are said.
 * Wired into LEAVES (../../demands.ts) as each leaf's `phrasings`; src/demo/demands/say.ts chooses between the two.
 */
import type { Demand } from '../parts.ts';
import { CITY_PHRASINGS } from './city.ts';
import { ENVIRONMENT_PHRASINGS } from './environment.ts';
import { demandsOf, type Phrasing } from './fill.ts';
import { HOUSING_PHRASINGS } from './housing.ts';
import { SERVICE_PHRASINGS } from './services.ts';
import { UTILITY_PHRASINGS } from './utilities.ts';

export { fill, gapNames, KNOWN_GAPS, type Phrasing } from './fill.ts';

/** The written phrasings by leaf path. */
export const PHRASINGS: Readonly<Record<string, Phrasing>> = {
  ...CITY_PHRASINGS,
  ...ENVIRONMENT_PHRASINGS,
  ...HOUSING_PHRASINGS,
  ...SERVICE_PHRASINGS,
  ...UTILITY_PHRASINGS,
};

/** A leaf's phrasings as demands (empty for a leaf without). */
export function phrasingsOf(path: string): Demand[] {
  const p = PHRASINGS[path];
  return p ? demandsOf(p) : [];
}
