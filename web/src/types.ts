/** The API's shapes as the web app reads them (only what it uses); vocabularies and events from the shared contract. */
import type { TicketEventPayloads, TicketEventType } from '../../src/contract/events.ts';
import type {
  AssignmentAction,
  AssignmentRole,
  AssignmentStatus,
  Channel,
  Clock,
  ClockStatus,
  CloseReason,
  RequestKind,
  Role,
  SubDecision,
  SupervisionKind,
  TicketAction,
  TicketStatus,
  TicketType,
  UnitKind,
  Urgency,
  WarningLevel,
  WindowReason,
} from '../../src/contract/vocab.ts';

export type { ClockStatus, Role };

export type SessionInfo = {
  user: { id: number; username: string; displayName: string; role: Role; unit: { id: number; name: string; kind: UnitKind } };
  csrfToken: string;
  /** PUBLIC_BASE_URL: where citizens open look-up links (the SMS receipt's, the QR code's) */
  publicBaseUrl?: string;
  /** What the session must do before anything else (change the password, enrol a second factor): the account page */
  restrictions?: ('password_change_required' | 'second_factor_enrolment_required')[];
  /** Failed sign-in attempts on the account since the previous sign-in */
  failedSignIns?: { count: number; lastAt: string | null; addresses: string[] };
};

export type Caller = { name: string | null; phone: string | null; masked: boolean; confidential: boolean };

export type TicketSummary = {
  id: number;
  number: string;
  status: TicketStatus;
  version: number;
  channel: Channel;
  type: TicketType;
  urgency: Urgency;
  categoryId: number;
  title: string;
  address: string | null;
  caller: Caller;
  warningLevel: WarningLevel;
  redoCount: number;
  closeReason: CloseReason | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Lists: a clock of the ticket awaits the calendar (its deadline lies past the imported years) */
  awaitingCalendar?: boolean;
};

/** Where one SLA clock stands (the server decides; the screens show it). */
export type ClockState = {
  dueAt: string | null;
  level: WarningLevel;
  stoppedAt: string | null;
  state: ClockStatus;
  /** For a clock awaiting the calendar: the first date it needs and that date's year (the year to import) */
  awaitingCalendar: { date: string; year: number } | null;
  missedAt: string | null;
};
export type ClockName = Clock;

export type Deadlines = { sign: string | null; response: string | null; complete: string | null; originalComplete: string | null };

export type Assignment = {
  id: number;
  unit: { id: number; name: string; kind: UnitKind };
  role: AssignmentRole;
  status: AssignmentStatus;
  version: number;
  designated: boolean;
  dispatchedAt: string | null;
  signedAt: string | null;
  firstContactAt: string | null;
  /** When the first contact was recorded (firstContactAt is the time the unit claims) */
  firstContactRecordedAt: string | null;
  repliedAt: string | null;
  replyContent: string | null;
  deadlines: Deadlines;
  warningLevel: WarningLevel;
  abilities: AssignmentAction[];
  sla?: {
    clocks: Record<ClockName, ClockState>;
    /** Every clock stopped here: the ticket left the units' hands */
    clocksStoppedAt: string | null;
    /** The completion deadline had passed when an extension moved it: the miss stands */
    completeMissedAt: string | null;
  };
  awaitingCalendar?: { clock: ClockName; date: string; year: number }[];
  /** The chain of levels: the assignment this one was handed down from (null: the centre's dispatch) */
  parentId?: number | null;
  /** The parent's note and the clocks brought back to end with the parent's */
  handDownNote?: string | null;
  clampedClocks?: ClockName[];
  /** A sub-assignment's return or extension request waiting for its parent */
  request?: SubRequest | null;
  /** What this user may decide on this sub-assignment now (the parent unit's members only) */
  decisions?: SubDecision[];
};

export type SubRequest = {
  id: number;
  kind: Exclude<RequestKind, 'termination'>;
  reason: string | null;
  requestedDueAt: string | null;
  requestedAt: string | null;
};

/** One assignment on a level's chain workbench (GET /api/chain/workbench). */
export type ChainRow = {
  assignmentId: number;
  ticketId: number;
  number: string;
  title: string | null;
  ticketStatus: TicketStatus;
  unit: { id: number; name: string; kind: UnitKind };
  role: AssignmentRole;
  status: AssignmentStatus;
  version: number;
  parentId: number | null;
  dispatchedAt: string | null;
  signedAt: string | null;
  firstContactAt: string | null;
  repliedAt: string | null;
  replyContent: string | null;
  deadlines: Record<ClockName, string | null>;
  warningLevel: WarningLevel;
  /** Its clocks as the ticket view carries them (an older answer has none: the plain countdown then) */
  sla?: Assignment['sla'];
  awaitingCalendar?: Assignment['awaitingCalendar'];
  clampedClocks: ClockName[];
  handDownNote: string | null;
  request: SubRequest | null;
};

export type ChainWorkbench = {
  unit: { id: number; kind: UnitKind } | null;
  toHandDown: ChainRow[];
  subs: ChainRow[];
  decisions: ChainRow[];
  handDownTargets: { id: number; name: string; kind: UnitKind; parentId: number | null }[];
};

export type PendingRequest = { id: number; kind: RequestKind; assignmentId: number; reason: string; requestedDueAt: string | null; requestedAt: string };

export type TicketView = TicketSummary & {
  category: { id: number; path: string[] };
  content: string;
  window: { matter: string; hallDepartment: string; reason: WindowReason } | null;
  close: { reason: CloseReason; note: string | null } | null;
  publicReply: string | null;
  /** The callback round (+1 with every reopen) and the attempts made in it */
  callbackRound: number;
  callbackAttempts: number;
  contacts: number;
  dispatchedAt: string | null;
  repliedAt: string | null;
  assignments: Assignment[];
  pendingRequests: PendingRequest[];
  /** The ticket actions this user may take now; the callback's four outcomes show as one 'callback' */
  abilities: (Exclude<TicketAction, `callback_${string}`> | 'callback')[];
  linked?: boolean;
  /** Clocks of this ticket awaiting the calendar: the first date needed, its year, how many */
  awaitingCalendar?: { date: string; year: number; clocks: number } | null;
};

/** One entry of a ticket's history: its type decides its payload (phone numbers in texts masked as the detail shows them). */
export type TicketEventItem = {
  [K in TicketEventType]: {
    id: number;
    type: K;
    actor: { id: number; role: Role; unitId: number | null } | null;
    from: TicketStatus | null;
    to: TicketStatus | null;
    payload: TicketEventPayloads[K];
    public: boolean;
    at: string;
  };
}[TicketEventType];

export type Unit = { id: number; code: string; name: string; kind: UnitKind; parentId: number | null; path: string; active: boolean };
export type Category = { id: number; code: string; name: string; parentId: number | null; level: number; public: boolean };
export type KbArticle = { id: number; title: string; body: string; categoryId: number | null; keywords: string; rank: number };
export type DuplicateHint = { ticket: TicketSummary; reasons: string[]; score: number };
export type Page<T> = { items: T[]; nextBefore?: number | null };

export type UnitRef = { id: number; name: string | null; kind: UnitKind | null };
export type Suggestions = {
  ticketId: number;
  place: { street: UnitRef | null; district: UnitRef | null; streetSource: string | null };
  items: { leadUnit: UnitRef; assistUnits: UnitRef[]; copyUnits: UnitRef[]; score: number; reasons: string[]; fallback: boolean }[];
};

export type PublicLookup = {
  number: string;
  status: TicketStatus;
  channel: Channel;
  category: string | null;
  closeReason: CloseReason | null;
  createdAt: string;
  closedAt: string | null;
  publicReply: string | null;
  /** An approved extension carries the new deadline (dueAt) */
  events: { type: TicketEventType; status: TicketStatus | null; at: string; dueAt?: string }[];
};

export type SupervisionItem = {
  id: number;
  kind: SupervisionKind;
  ticket: { id: number; number: string; title: string; status: TicketStatus };
  unit: { id: number; name: string | null } | null;
  clock: Clock | null;
  reason: string | null;
  createdAt: string;
  resolvedAt: string | null;
};
