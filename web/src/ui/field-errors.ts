import { html } from '../html.ts';
import { ApiError } from '../api.ts';

/**
 * Errors next to the field they concern: a problem response's validation issues carry the path of the value
 * (`body.caller.phone`), which a form maps to its field. The first issue at any of `paths` (or beneath one).
 */
export function issueAt(error: unknown, paths: string[]): string | null {
  if (!(error instanceof ApiError)) return null;
  const hit = error.issues.find((i) => paths.some((p) => i.path === p || i.path.startsWith(`${p}.`)));
  return hit ? hit.message : null;
}

/** Props for the input (aria-invalid, aria-describedby) and the message beneath it, for field `id`. */
export function fieldError(error: unknown, id: string, paths: string[], describedBy?: string) {
  const message = issueAt(error, paths);
  const errId = `${id}-error`;
  return {
    invalid: message ? 'true' : undefined,
    describedBy: [describedBy, message ? errId : null].filter(Boolean).join(' ') || undefined,
    node: message ? html`<small id=${errId} class="field-error" data-field-error=${id}>${message}</small>` : null,
  };
}
