/**
 * Ticket events: every `ticket_events.type` jiesu writes, and the payload each one carries.
 *
 * The lifecycle's events are its actions (vocab.ts TICKET_ACTIONS, ASSIGNMENT_ACTIONS): the maps below must
 * name every action, so adding an action without saying what its event records is a compile error. Writers
 * (`record(...)`, the SLA sweep, the recomputation) and readers (the metric fold, Open311, the web's
 * timeline) use the same types; a reader switching on `type` gets the payload of that type.
 */
import type {
  AssignmentAction,
  AssignmentRole,
  AssignmentStatus,
  AppealReasonCode,
  AttachmentKind,
  CENTRE_CLOCK_OF,
  CentreClock,
  Channel,
  Clock,
  ContactMethod,
  Disposition,
  EmergencyLine,
  KeyTicketKind,
  Level,
  RatingLevel,
  RatingSource,
  RecomputeReason,
  Satisfaction,
  SolvedResult,
  SubDecision,
  TicketAction,
  TriageLevel,
  VerificationClock,
} from './vocab.ts';

/** T with exactly the keys K: a key missing or one too many is a compile error. */
type Exactly<K extends PropertyKey, T extends Record<K, unknown> & Record<Exclude<keyof T, K>, never>> = T;
/** A payload with no fields of its own. */
type NoFields = Record<never, never>;

/** What a centre decision records as `centre`: the wait it ended (since when, how long), against its limit. */
export type CentreDecision = { clock: CentreClock; since: string; waitedMinutes: number; limitMinutes: number; onTime: boolean };

/** A clock that waits for the calendar: the first date its deadline needs that the calendar lacks. */
export type AwaitingCalendar = { clock: Clock; date: string };

export type DispatchPayload = {
  leadUnitId: number;
  assistUnitIds: number[];
  designate: boolean;
  note: string | null;
  /** The deadlines every assignment of this dispatch starts with (the metrics bucket clocks by their due day) */
  deadlines: Record<Clock, string | null>;
  /** The clocks that wait for the calendar instead */
  awaitingCalendar: AwaitingCalendar[];
  /** Set by auto-dispatch at intake: the routing rule that chose the units, and the units copied */
  auto?: true;
  ruleId?: number;
  copyUnitIds?: number[];
  /** Set when the unit model chose the lead (its confidence at or above the administrator's threshold; docs/assist.md) */
  model?: AutoDispatchModel;
};

/** The unit model behind an auto-dispatch: its version, its confidence in the lead unit and the threshold it met. */
export type AutoDispatchModel = { version: number; confidence: number; threshold: number };

/** A decision on a unit's request (return, extension, termination). */
export type RequestDecisionPayload = { requestId: number; assignmentId: number; note: string | null };

/** One callback attempt, whichever way it went. */
export type CallbackPayload = {
  /** The callback round (+1 with every reopen) and the attempt within it */
  round: number;
  attempt: number;
  reached: boolean;
  solved: SolvedResult | null;
  satisfaction: Satisfaction | null;
  comment: string | null;
};

/** What each centre action's command records; `centre` is added by the runner (see TicketEventPayloads). */
export type TicketActionPayloads = Exactly<
  TicketAction,
  {
    dispatch: DispatchPayload;
    decline: { reason: string };
    merge: { intoTicketId: number; intoNumber: string };
    approve_return: RequestDecisionPayload;
    reject_return: RequestDecisionPayload;
    /** newDueAt: the approved deadline; previousDueAt and missedAt: the deadline it replaced, and its miss if it had passed */
    approve_extension: RequestDecisionPayload & { newDueAt: string | null; previousDueAt: string | null; missedAt: string | null };
    reject_extension: RequestDecisionPayload & { newDueAt: string | null; previousDueAt: string | null; missedAt: string | null };
    approve_termination: RequestDecisionPayload;
    reject_termination: RequestDecisionPayload;
    approve_reply: { note: string | null };
    reject_reply: { reason: string | null; assignmentId: number };
    callback_close: CallbackPayload;
    callback_dispute: CallbackPayload;
    callback_retry: CallbackPayload;
    callback_unreached: CallbackPayload;
    /** redo: the reopen count after this one; completeDueAt: the lead's completion deadline from now on */
    reopen: { reason: string; assignmentId: number; redo: number; completeDueAt: string | null; callbackRound: number };
    close: { note: string };
  }
>;

/** What each unit action's command records; the stamp (AssignmentStamp) is added by the runner. */
export type AssignmentActionPayloads = Exactly<
  AssignmentAction,
  {
    sign: NoFields;
    /** contactedAt: the time the unit claims; recordedAt: when it was entered (a backdated entry gives its reason) */
    contact: { method: ContactMethod; summary: string; contactedAt: string; recordedAt: string; backdateReason: string | null };
    note: { text: string };
    reply: { content: string };
    request_return: { requestId: number; reason: string };
    request_extension: { requestId: number; reason: string; requestedDueAt: string };
    request_termination: { requestId: number; reason: string };
    hand_down: HandDownPayload;
    /** triageDueAt: by when it had to be triaged; quickReplyDueAt: an ordinary ticket's reply deadline */
    triage: { level: TriageLevel; note: string | null; triageDueAt: string | null; onTime: boolean; quickReplyDueAt: string | null };
  }
>;

/**
 * What each of a parent's decisions on a sub-assignment records (the event's assignmentId is the sub-assignment;
 * subUnitId its unit, parentAssignmentId the deciding one): the reason or note, and for an extension the deadline.
 */
export type SubDecisionPayloads = Exactly<
  SubDecision,
  {
    approve_sub_reply: SubDecisionBase & { note: string | null; reply: string };
    reject_sub_reply: SubDecisionBase & { reason: string };
    approve_sub_return: SubDecisionBase & { requestId: number; note: string | null };
    reject_sub_return: SubDecisionBase & { requestId: number; note: string | null };
    approve_sub_extension: SubDecisionBase & { requestId: number; note: string | null; newDueAt: string; previousDueAt: string | null };
    reject_sub_extension: SubDecisionBase & { requestId: number; note: string | null };
    recall: SubDecisionBase & { reason: string };
  }
>;
export type SubDecisionBase = {
  subUnitId: number;
  parentAssignmentId: number;
  parentUnitId: number;
  assignmentFrom: AssignmentStatus;
  assignmentTo: AssignmentStatus;
};

/** A hand-down: the sub-assignments made (lead first), their deadlines, and the clocks brought back to the parent's. */
export type HandDownPayload = {
  subAssignmentIds: number[];
  leadUnitId: number;
  assistUnitIds: number[];
  note: string | null;
  deadlines: Record<Clock, string | null>;
  /** The completion deadline the parent set (下派办结时限), null: the policy's, within the parent's */
  completeDueAt?: string | null;
  /** Clocks whose own deadline would have ended after the parent's, so end with it */
  clamped: Clock[];
  awaitingCalendar: AwaitingCalendar[];
};

/** Every unit action's event says whose assignment it was and how the assignment moved. */
export type AssignmentStamp = { unitId: number; role: AssignmentRole; assignmentFrom: AssignmentStatus; assignmentTo: AssignmentStatus };

/** Events that are not lifecycle actions: intake, links, attachments, the SLA clocks, supervision, appeals. */
export type OtherEventPayloads = {
  /** The extra field belongs to the disposition: direct_answer → kbArticleId, emergency_transfer → transferredTo, not_accepted → reason */
  ticket_created: {
    channel: Channel;
    categoryId: number;
    disposition: Exclude<Disposition, 'repeat'>;
    kbArticleId?: number;
    transferredTo?: EmergencyLine;
    reason?: string;
  };
  /** A repeat call linked into this open ticket */
  contact_linked: { contactId: number; channel: Channel };
  /** Another ticket merged into this one */
  ticket_merged_in: { fromTicketId: number; fromNumber: string };
  attachment_added: { attachmentId: number; kind: AttachmentKind; fileName: string; mimeType: string; size: number };
  /** Written by the SLA sweep: one per warning level fired; an overdue level opens a reminder and a supervision item */
  sla_warning: {
    clock: Clock;
    level: Level;
    dueAt: string | null;
    markAt: string;
    cycle: number;
    unitId: number;
    reminderId: number | null;
    supervisionId: number | null;
  };
  /** Deadlines the calendar cannot place yet: the clocks waiting, the first date needed */
  sla_uncomputable: { clocks: Clock[]; date: string; cycle: number; awaitingCalendar: AwaitingCalendar[] };
  /** Written when the calendar changes: each deadline that moved (null: awaiting the calendar) */
  sla_recomputed: { reason: RecomputeReason; cycle: number; changes: { clock: Clock; from: string | null; to: string | null }[] };
  /** 督办 by a supervisor: the level after it */
  supervise: { reason: string; unitId: number | null; supervisionLevel: number };
  /**
   * Written by the SLA sweep: a 督办 still open and its assignment still overdue the set number of working days
   * after the notice to the unit goes to the leader of the level above (`toUnitId`: the unit's parent; null: none)
   */
  supervision_escalated: { supervisionId: number; unitId: number; toUnitId: number | null; clock: Clock | null; level: 2; noticeAt: string };
  /** Written by the SLA sweep: still overdue the set number of working days after the escalation — 追责 on the unit */
  accountability_recorded: { accountabilityId: number; supervisionId: number; unitId: number; kind: KeyTicketKind; reason: string };
  appeal_filed: { appealId: number; unitId: number; reasonCode: AppealReasonCode; reason: string; attachmentIds: number[] };
  appeal_approved: { appealId: number; unitId: number; reasonCode: AppealReasonCode; note: string };
  appeal_rejected: { appealId: number; unitId: number; reasonCode: AppealReasonCode; note: string };
  /**
   * The caller rated a handling round (好差评). unitId: the lead unit of the centre's dispatch that round (the unit
   * rated; null when none); a bad rating opens verification `verificationId`, due `verifyDueAt` (null: awaiting the calendar).
   */
  citizen_rated: {
    ratingId: number;
    round: number;
    level: RatingLevel;
    source: RatingSource;
    unitId: number | null;
    verificationId: number | null;
    verifyDueAt: string | null;
  };
  verification_appealed: VerificationBase & { reason: string; attachmentIds: number[] };
  /** Confirmed: the unit must rectify and answer by `rectifyDueAt` (null: awaiting the calendar) */
  verification_confirmed: VerificationBase & { note: string; rectifyDueAt: string | null };
  verification_dismissed: VerificationBase & { note: string };
  /** The unit's rectification and its answer to the caller; onTime: by the rectification deadline */
  verification_rectified: VerificationBase & { text: string; answer: string; dueAt: string | null; onTime: boolean };
  /** Written by the verification sweep: a clock's warning (due within a working day) or overdue */
  verification_warning: VerificationBase & { clock: VerificationClock; level: 'warning' | 'overdue'; dueAt: string };
  /**
   * The caller's name and number removed (PIPL: src/domain/privacy/anonymise.ts) by the retention job or an erasure
   * request; how many of the ticket's contacts and citizen SMS were cleared with it
   */
  caller_data_anonymised: { reason: AnonymiseReason; contacts: number; notifications: number };
};

/** Why a closed ticket's caller data was removed: its retention ran out, or the caller asked (docs/privacy.md). */
export type AnonymiseReason = 'retention' | 'erasure';

/** Every step of a bad rating's verification names it, its rating and the unit rated. */
export type VerificationBase = { verificationId: number; ratingId: number; unitId: number };

/** `centre` on the actions that end a centre clock; a dispatch made by intake's auto-dispatch ended no wait. */
type CentreOf<A extends TicketAction> = A extends 'dispatch'
  ? { centre?: CentreDecision }
  : A extends keyof typeof CENTRE_CLOCK_OF
    ? { centre: CentreDecision }
    : NoFields;

/** The payload of every ticket event type, as stored in ticket_events.payload. */
export type TicketEventPayloads = { [A in TicketAction]: TicketActionPayloads[A] & CentreOf<A> } & {
  [A in AssignmentAction]: AssignmentActionPayloads[A] & AssignmentStamp;
} & SubDecisionPayloads &
  OtherEventPayloads;

export type TicketEventType = keyof TicketEventPayloads;

/** A stored event of one type (or, with no argument, of any type: switch on `type` to read its payload). */
export type TicketEventOf<K extends TicketEventType = TicketEventType> = {
  [T in K]: { type: T; payload: TicketEventPayloads[T] };
}[K];
