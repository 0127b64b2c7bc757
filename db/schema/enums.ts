/** The database enums, built from the contract's vocabularies (src/contract/vocab.ts): one source of truth each. */
import { pgEnum } from 'drizzle-orm/pg-core';
import * as v from '../../src/contract/vocab.ts';

export const unitKind = pgEnum('unit_kind', v.UNIT_KINDS);
export const role = pgEnum('role', v.ROLES);
export const channel = pgEnum('channel', v.CHANNELS);
export const ticketType = pgEnum('ticket_type', v.TICKET_TYPES);
export const urgency = pgEnum('urgency', v.URGENCIES);
export const windowReason = pgEnum('window_reason', v.WINDOW_REASONS);
export const closeReason = pgEnum('close_reason', v.CLOSE_REASONS);
export const ticketStatus = pgEnum('ticket_status', v.TICKET_STATUSES);
export const assignmentStatus = pgEnum('assignment_status', v.ASSIGNMENT_STATUSES);
export const assignmentRole = pgEnum('assignment_role', v.ASSIGNMENT_ROLES);
export const requestKind = pgEnum('request_kind', v.REQUEST_KINDS);
export const requestStatus = pgEnum('request_status', v.REQUEST_STATUSES);
export const solvedResult = pgEnum('solved_result', v.SOLVED_RESULTS);
export const satisfaction = pgEnum('satisfaction', v.SATISFACTIONS);
export const warningLevel = pgEnum('warning_level', v.WARNING_LEVELS);
export const calendarDayKind = pgEnum('calendar_day_kind', v.CALENDAR_DAY_KINDS);
export const appealStatus = pgEnum('appeal_status', v.APPEAL_STATUSES);
export const timeUnit = pgEnum('time_unit', v.TIME_UNITS);
