import { retentionStatus } from '../../domain/privacy/retention.ts';
import { eraseSubjectData, exportSubjectData, subjectRequestInput } from '../../domain/privacy/subject-requests.ts';
import type { Role } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';

/**
 * Callers' personal data (PIPL): the security administrator holds these duties (docs/privacy.md). The system and
 * audit administrators, and every operational role, get 403.
 */
const PRIVACY_OFFICERS: Role[] = ['security_admin'];

export const privacyRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/privacy/retention',
    summary: "The retention in force (PII_RETENTION_DAYS, its schedule and cut-off), closed tickets past it still holding caller data, and the job's last run",
    tag: 'privacy',
    access: PRIVACY_OFFICERS,
    handler: async ({ deps }) => ({ body: await retentionStatus(deps.db, deps.config, deps.clock.now()) }),
  }),
  route({
    method: 'post',
    path: '/api/privacy/subject-requests/export',
    summary:
      "A caller's data on a verified request: every ticket of the number (as caller or repeat caller) with names, numbers, texts, dates, statuses, replies, ratings and callbacks; audited as a read of personal data",
    tag: 'privacy',
    access: PRIVACY_OFFICERS,
    body: subjectRequestInput,
    handler: async ({ deps, actor, body }) => ({ body: await exportSubjectData(deps, actor, body) }),
  }),
  route({
    method: 'post',
    path: '/api/privacy/subject-requests/erase',
    summary:
      "A caller's erasure request: their closed tickets anonymised now (as retention does, reason erasure); tickets still open are refused and listed (leftOpen); audited",
    tag: 'privacy',
    access: PRIVACY_OFFICERS,
    body: subjectRequestInput,
    handler: async ({ deps, actor, body }) => ({ body: await eraseSubjectData(deps, actor, body) }),
  }),
];
