import type { AnyRoute } from '../route.ts';
import { publicRoutes } from './public.ts';
import { telephonyRoutes } from './telephony.ts';
import { adminRoutes } from './admin.ts';
import { auditRoutes } from './audit.ts';
import { securityAdminRoutes } from './security-admin.ts';
import { alertRoutes } from './alerts.ts';
import { calendarRoutes } from './calendar.ts';
import { aidRoutes } from './aids.ts';
import { assistSuggestRoutes } from './assist-suggest.ts';
import { kbRoutes } from './kb.ts';
import { assistLexiconRoutes } from './assist-lexicon.ts';
import { authRoutes } from './auth.ts';
import { accountRoutes } from './account.ts';
import { securitySignInRoutes } from './security-signin.ts';
import { routingRoutes } from './routing.ts';
import { assignmentRoutes, ticketRoutes } from './tickets.ts';
import { ticketListRoutes } from './ticket-list.ts';
import { viewRoutes } from './views.ts';
import { bulkRoutes } from './bulk.ts';
import { wallboardRoutes } from './wallboard.ts';
import { notificationRoutes } from './notifications.ts';
import { attachmentRoutes } from './attachments.ts';
import { slaRoutes } from './sla.ts';
import { callbackRoutes } from './callbacks.ts';
import { appealRoutes } from './appeals.ts';
import { ratingRoutes } from './ratings.ts';
import { metricRoutes } from './metrics.ts';
import { hotspotRoutes } from './hotspots.ts';
import { governanceRoutes } from './governance.ts';
import { reportRoutes } from './reports.ts';
import { centreRoutes } from './centre.ts';
import { supervisionRoutes } from './supervision.ts';
import { triageRoutes } from './triage.ts';
import { chainRoutes } from './chain.ts';
import { inboxRoutes } from './inbox.ts';
import { badReviewRoutes } from './bad-reviews.ts';
import { draftRoutes } from './drafts.ts';
import { privacyRoutes } from './privacy.ts';
import { assistLlmRoutes } from './assist-llm.ts';
import { assistAdminRoutes } from './assist-admin.ts';

/** Every API route; the OpenAPI document is generated from this same list. */
export const apiRoutes: AnyRoute[] = [
  ...authRoutes,
  ...accountRoutes,
  ...securitySignInRoutes,
  ...aidRoutes,
  ...assistSuggestRoutes,
  ...kbRoutes,
  ...assistLexiconRoutes,
  // before the ticket routes: /api/tickets/bulk/… must not be read as /api/tickets/:id/…
  ...bulkRoutes,
  ...ticketListRoutes,
  ...viewRoutes,
  ...ticketRoutes,
  ...assignmentRoutes,
  ...chainRoutes,
  ...adminRoutes,
  ...auditRoutes,
  ...securityAdminRoutes,
  ...calendarRoutes,
  ...alertRoutes,
  ...routingRoutes,
  ...notificationRoutes,
  ...attachmentRoutes,
  ...slaRoutes,
  ...wallboardRoutes,
  ...publicRoutes,
  ...telephonyRoutes,
  ...callbackRoutes,
  ...appealRoutes,
  ...ratingRoutes,
  ...metricRoutes,
  ...hotspotRoutes,
  ...governanceRoutes,
  ...reportRoutes,
  ...centreRoutes,
  ...supervisionRoutes,
  ...triageRoutes,
  ...inboxRoutes,
  ...badReviewRoutes,
  ...draftRoutes,
  ...privacyRoutes,
  ...assistLlmRoutes,
  ...assistAdminRoutes,
];
