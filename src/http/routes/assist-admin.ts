import { z } from 'zod';
import { weeklyAccuracy } from '../../domain/assist/accuracy.ts';
import { MIN_AUTO_THRESHOLD, assistSettings, updateAssistSettings } from '../../domain/assist/settings.ts';
import { assistStatus, listModels, startRetrain } from '../../domain/assist/status.ts';
import { CENTRE_ROLES, type Role, UNIT_ROLES } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';

/** The system administrator (系统管理员) runs assisted intake: models, retraining, the switch and the threshold. */
const ADMIN: Role[] = ['admin'];
const STAFF: Role[] = [...CENTRE_ROLES, ...UNIT_ROLES];

const settingsBody = z
  .object({
    enabled: z.boolean().optional(),
    /** Auto-dispatch by the unit model at or above this confidence, for auto-dispatch categories the rules leave open; null: off */
    autoDispatchThreshold: z.number().min(MIN_AUTO_THRESHOLD).max(1).nullable().optional(),
  })
  .strict();

/** Assisted intake's state for everyone, and its administration (docs/assist.md). */
export const assistAdminRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/assist/status',
    summary: 'Whether assisted intake is on, whether a language model is configured, and the models in use',
    tag: 'assist',
    // The staff who take demands, dispatch or handle tickets (the intake panel, the language-model buttons) and the
    // system administrator; not the security or audit administrator, nor machine clients.
    access: STAFF,
    handler: async ({ deps }) => ({ body: await assistStatus(deps) }),
  }),
  route({
    method: 'get',
    path: '/api/assist/models',
    summary: 'Every stored model version with its held-out figures, newest first, and the retraining under way',
    tag: 'assist',
    access: ADMIN,
    handler: async ({ deps }) => ({ body: await listModels(deps) }),
  }),
  route({
    method: 'post',
    path: '/api/assist/models/retrain',
    summary: 'Retrain both models on the closed tickets now, in the background (a new version each)',
    tag: 'assist',
    access: ADMIN,
    status: 202,
    handler: async ({ deps, actor }) => ({ status: 202, body: await startRetrain(deps, actor) }),
  }),
  route({
    method: 'get',
    path: '/api/assist/accuracy',
    summary: 'Live top-1 and top-3 accuracy of the suggestions per ISO week (category and unit), newest first',
    tag: 'assist',
    access: ADMIN,
    query: z.object({ weeks: z.coerce.number().int().min(1).max(104).default(12) }),
    handler: async ({ deps, query }) => ({ body: { items: await weeklyAccuracy(deps.db, deps.clock.now(), query.weeks) } }),
  }),
  route({
    method: 'get',
    path: '/api/assist/settings',
    summary: 'Assisted intake on or off, and the auto-dispatch confidence threshold (null: off)',
    tag: 'assist',
    access: ADMIN,
    handler: async ({ deps }) => ({ body: await assistSettings(deps.db, { fresh: true }) }),
  }),
  route({
    method: 'put',
    path: '/api/assist/settings',
    summary: 'Switch assisted intake on or off, or set the auto-dispatch confidence threshold (audited)',
    tag: 'assist',
    access: ADMIN,
    body: settingsBody,
    handler: async ({ deps, actor, body }) => ({ body: await updateAssistSettings(deps, actor, body) }),
  }),
];
