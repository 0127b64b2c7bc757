/**
 * Assisted intake, shared by the server and the web app: what a suggestion looks like on the wire. Suggestions are
 * advice to the operator; nothing is applied without them (docs/assist.md).
 */

/** What a model learns to predict from a closed ticket: its final category, or its final lead unit. */
export const ASSIST_TARGETS = ['category', 'unit'] as const;
export type AssistTarget = (typeof ASSIST_TARGETS)[number];

/** One ranked suggestion: a category or a unit, the model's confidence (0–1) and the words that weighed most. */
export type AssistChoice = { id: number; name: string; confidence: number; words: string[] };

/** The answer to "what is this demand?": the top 3 categories and units, and the id the choice is recorded under. */
export type AssistSuggestion = {
  /** The recorded suggestion; sent back with the ticket (`assistSuggestionId`) so the final choice is recorded beside it */
  id: number | null;
  categories: AssistChoice[];
  units: AssistChoice[];
  /** The model versions that answered (null: no model trained yet) */
  models: { category: number | null; unit: number | null };
};
