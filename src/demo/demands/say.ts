/**
 * What a caller says about a leaf's matter: one of the leaf's composed demands (../parts.ts), or — for the frequent
 * leaves — one of the phrasings written as callers really speak (phrasings/), with the noise of real calls laid over it
 * now and then (noise.ts). The composed demand is always said first with the story's generator, exactly as before the
 * phrasings existed; the choice of phrasing, its gaps and the noise come from a separate generator (`alt`, a fork), so
 * the demo history draws the same numbers in the same order and every later step of it stays where it was.
 */
import type { Place } from '../places.ts';
import type { Rng } from '../random.ts';
import { addNoise, type NoiseKind } from './noise.ts';
import type { Ctx, Demand, LeafSpec } from './parts.ts';

/** How often a leaf with phrasings is said in a caller's own words rather than the composed demand */
export const PHRASING_SHARE = 0.6;
/** How often a demand's text carries noise */
export const NOISE_SHARE = 0.3;

export type Said = {
  title: string;
  content: string;
  /** Which template said it: `composed:<i>` (leaf.demands) or `said:<i>` (leaf.phrasings) */
  template: string;
  noise: NoiseKind[];
};

/** A context for place `p` on `date` whose draws all come from `r`; `one` and `num` remember within it. */
export function storyCtx(r: Rng, p: Place, date: string): Ctx {
  const memo = new Map<string, unknown>();
  return {
    r,
    p,
    date,
    one: <T>(key: string, items: readonly T[]) => {
      if (!memo.has(key)) memo.set(key, r.pick(items));
      return memo.get(key) as T;
    },
    num: (key: string, min: number, max: number) => {
      if (!memo.has(key)) memo.set(key, r.int(min, max));
      return memo.get(key) as number;
    },
  };
}

/**
 * Says `demand` (one of `leaf.demands`, as the caller picked it) in context `c`, then with `alt` maybe in the caller's
 * own words instead, and maybe with noise.
 */
export function sayDemand(leaf: LeafSpec, demand: Demand, c: Ctx, alt: Rng): Said {
  const title = demand.title(c);
  const content = demand.content(c);
  let said: Said = { title, content, template: `composed:${leaf.demands.indexOf(demand)}`, noise: [] };
  const a = storyCtx(alt, c.p, c.date);
  const own = leaf.phrasings ?? [];
  if (own.length && alt.chance(PHRASING_SHARE)) {
    const i = alt.int(0, own.length - 1);
    const p = own[i]!;
    said = { title: p.title(a), content: p.content(a), template: `said:${i}`, noise: [] };
  }
  if (alt.chance(NOISE_SHARE)) {
    const n = addNoise(said.content, leaf.path, a, alt);
    said = { ...said, content: n.text, noise: n.kinds };
  }
  return said;
}
