import type { AnyRoute } from '../route.ts';
import { adminRoutes } from './admin.ts';
import { aidRoutes } from './aids.ts';
import { authRoutes } from './auth.ts';
import { assignmentRoutes, ticketRoutes } from './tickets.ts';

/** Every API route; the OpenAPI document is generated from this same list. */
export const apiRoutes: AnyRoute[] = [...authRoutes, ...aidRoutes, ...ticketRoutes, ...assignmentRoutes, ...adminRoutes];
