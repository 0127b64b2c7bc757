/** TEMPORARY (R16): the ratings vocabulary until src/contract/vocab.ts carries it; then imported from there. */
export const RATING_LEVELS = ['very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', 'very_dissatisfied'] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];
export const BAD_RATING_LEVELS: readonly RatingLevel[] = ['dissatisfied', 'very_dissatisfied'];
export const VERIFICATION_STATUSES = ['verifying', 'appealed', 'confirmed', 'dismissed', 'rectified'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];
