/**
 * What the public Open311 reads may say about a ticket. GET endpoints need no key, so everything here is
 * published: no caller name, phone or e-mail, no internal notes, no unit's unreviewed reply. Status notes
 * and update texts are fixed phrases per state and close reason, plus the texts that were written for the
 * citizen (the approved public reply, a direct answer, the reason for not accepting); free text is also
 * scrubbed of the caller's name and of anything shaped like a phone number, e-mail or ID-card number.
 */
import { shanghaiMinute } from '../clock.ts';
import { REDACTED, redactContactDetails } from '../privacy/phone-numbers.ts';
import type { CloseReason } from '../vocab.ts';
import type { TicketStatus } from '../tickets/status.ts';
import type { TicketEventOf } from '../../contract/events.ts';

export const MASK = REDACTED;

export type Identity = { callerName: string | null; callerPhone: string | null };

/** Free text with the caller's identity and anything that looks like contact details masked. */
export function scrub(text: string, who: Identity): string {
  let out = text;
  for (const secret of [who.callerPhone, who.callerPhone?.replace(/\D/g, ''), who.callerName]) {
    // A one-character "name" would mask every occurrence of a common character.
    if (secret && [...secret].length >= 2) out = out.split(secret).join(MASK);
  }
  return redactContactDetails(out);
}

export type PublicTicket = Identity & {
  status: TicketStatus;
  closeReason: CloseReason | null;
  closeNote: string | null;
  transferredTo: string | null;
  publicReply: string | null;
};

const OPEN_NOTES: Record<Exclude<TicketStatus, 'closed'>, string> = {
  awaiting_dispatch: '已受理，正在派单。',
  awaiting_sign: '已派至{unit}办理。',
  in_progress: '{unit}正在办理。',
  return_requested: '{unit}正在办理。',
  termination_requested: '{unit}正在办理。',
  awaiting_review: '{unit}已答复，热线中心正在审核。',
  awaiting_callback: '已答复，热线中心将回访诉求人。',
  callback_disputed: '回访反映问题尚未解决，热线中心正在督办。',
};

/** Why the request is in its current state, fit for the public. */
export function statusNotes(t: PublicTicket, extra: { unitName: string | null; mergedIntoNumber: string | null }): string {
  const unit = extra.unitName ?? '承办单位';
  const reply = t.publicReply ? scrub(t.publicReply, t) : null;
  if (t.status !== 'closed') {
    const note = OPEN_NOTES[t.status].replace('{unit}', unit);
    return t.status === 'awaiting_callback' && reply ? `${note}答复：${reply}` : note;
  }
  switch (t.closeReason) {
    case 'direct_answer':
      return reply ? `已直接答复：${reply}` : '已直接答复。';
    case 'emergency_transfer':
      return `已转${t.transferredTo ?? '应急部门'}处理。`;
    case 'not_accepted':
      return t.closeNote ? `不予受理：${scrub(t.closeNote, t)}` : '不予受理。';
    case 'merged':
      return extra.mergedIntoNumber ? `已并入诉求 ${extra.mergedIntoNumber} 一并办理。` : '已并入其他诉求一并办理。';
    case 'completed':
      return reply ? `已办结。答复：${reply}` : '已办结。';
    case 'unreached':
      return reply ? `已办结（回访未能联系到诉求人）。答复：${reply}` : '已办结（回访未能联系到诉求人）。';
    case 'terminated':
      return '已终止办理。';
    case 'supervisor_closed':
      return reply ? `经督办审定已办结。答复：${reply}` : '经督办审定已办结。';
    default:
      return '已办结。';
  }
}

export type PublicEvent = TicketEventOf & { toStatus: TicketStatus | null };

/** The unit a public text names: the lead of a dispatch, the unit that signed or replied. */
export function namedUnitId(e: TicketEventOf): number | null {
  if (e.type === 'dispatch') return e.payload.leadUnitId;
  if (e.type === 'sign' || e.type === 'reply') return e.payload.unitId;
  return null;
}

/**
 * The public text of one ticket event (mySociety's servicerequestupdates). Payload fields are read
 * only where they were written for the citizen; other event types get a neutral phrase, so an event
 * another part of the system adds later is never published with its payload.
 */
export function updateText(e: PublicEvent, t: PublicTicket, names: { unit: (id: number) => string | null }): string {
  const id = namedUnitId(e);
  const unit = (id === null ? null : names.unit(id)) ?? '承办单位';
  const reply = t.publicReply ? scrub(t.publicReply, t) : null;
  switch (e.type) {
    case 'ticket_created': {
      const p = e.payload;
      if (p.disposition === 'direct_answer') return reply ? `已直接答复：${reply}` : '已直接答复。';
      if (p.disposition === 'emergency_transfer') return `已转${p.transferredTo ?? '应急部门'}处理。`;
      if (p.disposition === 'not_accepted') return p.reason !== undefined ? `不予受理：${scrub(p.reason, t)}` : '不予受理。';
      return '诉求已受理。';
    }
    case 'dispatch':
      return `已派至${unit}办理。`;
    case 'decline':
      return `不予受理：${scrub(e.payload.reason, t)}`;
    case 'merge':
      return `已并入诉求 ${e.payload.intoNumber} 一并办理。`;
    case 'sign':
      return `${unit}已签收。`;
    case 'reply':
      return `${unit}已答复，热线中心正在审核。`;
    case 'approve_reply':
      return reply ? `答复已审核：${reply}` : '答复已审核。';
    case 'approve_extension':
      return e.payload.newDueAt !== null ? `办理期限延长至 ${minuteOf(e.payload.newDueAt)}。` : '办理期限已延长。';
    case 'approve_termination':
      return '已终止办理。';
    case 'callback_close':
      return '回访完成，已办结。';
    case 'callback_unreached':
      return '回访未能联系到诉求人，已办结。';
    case 'reopen':
      return '回访反映问题未解决，已交承办单位重新办理。';
    case 'close':
      return '经督办审定已办结。';
    default:
      return e.toStatus === 'closed' ? '已办结。' : '办理进展已更新。';
  }
}

/** "2026-03-20 18:00" in Asia/Shanghai, or the text as it came when it is not a time. */
function minuteOf(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : shanghaiMinute(d);
}
