/**
 * The ticket lifecycle after intake, in one import: the centre's dispatch (dispatch.ts) and decisions
 * (centre-actions.ts), the units' actions on their assignments (unit-actions.ts), all through the two runners
 * of runners.ts, and the chain of levels' hand-down and parent decisions (chain.ts). Legality is the transition table (../status.ts), permission the policy (../policy.ts).
 */
export * from './dispatch.ts';
export * from './centre-actions.ts';
export * from './unit-actions.ts';
export * from './chain.ts';
