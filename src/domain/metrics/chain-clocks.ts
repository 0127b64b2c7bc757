/**
 * The units' clocks along the chain of levels: a unit that holds an assignment may hand it down to units beneath
 * it (a sub-assignment), and decides what comes back. A sub-assignment's sign, response and completion clocks are
 * counted exactly as a dispatched assignment's, for the sub-assignment's own unit: the hand-down is its dispatch
 * (its deadlines in the event), its parent's approval of its reply is its 办结 (completed, and 按时办结率 judged),
 * an approved return is its 退单. The ticket's own outcomes (closed, callbacks, redo) stay with the top-level lead
 * (unit-clocks.ts). Counters that also count tickets carry a sub-level part (handedDown, leadHandedDown,
 * subCompletionJudged, subClosedOnTime), so the centre's ticket counts can leave sub-assignments out.
 */
import { date } from './cohort.ts';
import type { StreamEvent } from './stream.ts';
import { UnitClocks, type AState } from './unit-clocks.ts';

export class ChainClocks extends UnitClocks {
  override read(e: StreamEvent, day: string) {
    const sub = e.assignmentId !== null ? this.states.get(e.assignmentId) : undefined;
    switch (e.type) {
      case 'hand_down':
        this.handDown(e, day);
        return;
      case 'approve_sub_reply':
        // 办结 at its level: every clock of the sub-assignment stops; a lead's completion is judged at its last reply.
        if (!sub?.live) return;
        this.stopClocks(sub);
        if (sub.lead) {
          this.push('completed', sub.facts.unitId, sub.dispatchDay, 1);
          sub.complete.cohort.add('completedDue');
          this.judgeFinish(sub, sub.complete.lastReplyAt ?? e.createdAt, day);
        }
        sub.live = false;
        this.finishCompletion(sub);
        return;
      case 'approve_sub_return':
        if (!sub?.live) return;
        if (sub.lead) {
          this.push('leadReturned', sub.facts.unitId, sub.dispatchDay, 1);
          sub.complete.cohort.add('leadCompleteReturned');
        }
        this.endBelow(sub);
        return;
      case 'recall':
        // The parent takes it back: for the sub-unit, what it had not done by then is not done (its recourse: an appeal).
        if (sub?.live) this.endBelow(sub);
        return;
      case 'approve_sub_extension': {
        if (!sub) return;
        // Granted after the deadline had passed: the miss stays a miss, as with the centre's approval.
        const was = sub.due.complete.at;
        if (was && e.createdAt > was) this.missCompletion(sub, was, day);
        const newDueAt = date(e.payload.newDueAt);
        if (newDueAt) this.setDeadline(sub, 'complete', { at: newDueAt, waiting: null });
        return;
      }
      default:
        super.read(e, day);
    }
  }

  /** The sub-assignments a hand-down made (lead first): each counted as dispatched to its unit on this day, with the event's deadlines. */
  private handDown(e: StreamEvent<'hand_down'>, day: string) {
    const { leadUnitId, subAssignmentIds } = e.payload;
    if (leadUnitId === undefined || !subAssignmentIds) return;
    const unitIds = [leadUnitId, ...(e.payload.assistUnitIds ?? [])];
    unitIds.forEach((unitId, i) => {
      this.push('dispatched', unitId, day, 1);
      this.push('handedDown', unitId, day, 1);
      if (i === 0) {
        this.push('leadDispatched', unitId, day, 1);
        this.push('leadHandedDown', unitId, day, 1);
      }
      const a = this.ordered.find((x) => x.id === subAssignmentIds[i]);
      if (a) this.states.set(a.id, this.newState(a, day, this.deadlinesOf(e, a), true));
    });
  }

  /** A sub-assignment that ends early (returned, recalled) takes its live sub-assignments, at every level beneath, with it. */
  private endBelow(root: AState) {
    const ended = new Set([root.facts.id]);
    for (const a of this.ordered) if (a.parentId && ended.has(a.parentId)) ended.add(a.id);
    for (const id of ended) {
      const st = this.states.get(id);
      if (!st?.live) continue;
      st.live = false;
      this.stopClocks(st);
      this.finishCompletion(st);
    }
  }
}
