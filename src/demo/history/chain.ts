/**
 * Tickets that go down the chain of levels (下派): the centre dispatches to the district, which triages and signs
 * it and hands it down to its street; the street works it itself or hands it on to its first community. Each story
 * stops where a level above has a decision waiting, so every level's desk holds chain work at "now".
 */
import { and, asc, eq } from 'drizzle-orm';
import { assignments } from '../../../db/schema/index.ts';
import * as lc from '../../domain/tickets/commands/lifecycle.ts';
import { triageAssignment } from '../../domain/tickets/commands/triage.ts';
import { CONTACT_SUMMARIES } from '../demands.ts';
import { Aftercare } from './aftercare.ts';
import { HOUR, type Story } from './world.ts';

/** Where a chain story stops: a community's reply for the street to review, a street's reply or extension request for the district. */
export type ChainStop = 'street_review' | 'district_review' | 'sub_extension';

export abstract class ChainDesk extends Aftercare {
  /** The sub-assignment a unit was handed by `parentId` (the latest). */
  private async subOf(ticketId: number, parentId: number) {
    const rows = await this.read(() =>
      this.deps.db
        .select({ id: assignments.id })
        .from(assignments)
        .where(and(eq(assignments.ticketId, ticketId), eq(assignments.parentId, parentId)))
        .orderBy(asc(assignments.id)),
    );
    return rows.at(-1)!.id;
  }

  private async signAndContact(unitId: number, assignmentId: number, reply: string | null) {
    const handler = this.w.handlerOf(unitId)!;
    await this.wait(this.sh.unit, this.r.int(5, 30));
    await this.run('signAssignment', async () =>
      lc.signAssignment(this.deps, handler, assignmentId, { version: (await this.assignment(assignmentId)).version }),
    );
    await this.wait(this.sh.unit, this.r.int(10, 60));
    await this.run('contactCaller', async () =>
      lc.contactCaller(this.deps, handler, assignmentId, {
        version: (await this.assignment(assignmentId)).version,
        method: 'phone',
        summary: this.r.pick(CONTACT_SUMMARIES),
      }),
    );
    if (!reply) return;
    await this.wait(this.sh.unit, this.r.int(60, 180));
    await this.run('replyAssignment', async () =>
      lc.replyAssignment(this.deps, handler, assignmentId, { version: (await this.assignment(assignmentId)).version, content: reply }),
    );
  }

  private async handDown(s: Story, from: number, fromUnitId: number, toUnitId: number, note: string) {
    await this.wait(this.sh.unit, this.r.int(10, 40));
    await this.run('handDown', async () =>
      lc.handDown(this.deps, this.w.handlerOf(fromUnitId)!, from, {
        version: (await this.assignment(from)).version,
        leadUnitId: toUnitId,
        assistUnitIds: [],
        note,
      }),
    );
    return this.subOf(s.id, from);
  }

  /** A ticket logged and waiting for dispatch goes to its street's district and down the chain to `stop`. */
  protected async downTheChain(s: Story, streetCode: string, stop: ChainStop) {
    const street = this.street(streetCode);
    const district = street.district.id;
    await this.wait(this.sh.dispatcher, this.r.int(4, 20));
    await this.run('dispatchTicket', async () =>
      lc.dispatchTicket(this.deps, this.actor('dispatcher1'), s.id, {
        version: (await this.ticket(s.id)).version,
        leadUnitId: district,
        assistUnitIds: [],
        designate: false,
      }),
    );
    const top = (await this.leadOf(s.id))!.id;
    const head = this.w.handlerOf(district)!;
    await this.wait(this.sh.unit, this.r.int(5, 20));
    await this.run('signAssignment', async () => lc.signAssignment(this.deps, head, top, { version: (await this.assignment(top)).version }));
    await this.run('triageAssignment', async () =>
      triageAssignment(this.deps, head, top, { version: (await this.assignment(top)).version, level: 'complex', note: '涉及街道、社区，下派办理' }),
    );
    const sub = await this.handDown(s, top, district, street.id, `请${street.name}牵头核实处理，办结后报区里审核。`);
    if (stop === 'district_review') {
      await this.signAndContact(street.id, sub, '街道已组织城管、物业现场核查并督促整改，问题已解决，已电话告知诉求人。');
      return;
    }
    if (stop === 'sub_extension') {
      await this.signAndContact(street.id, sub, null);
      // The street's deadline is the district's (clamped): the district first gets two more days from the centre,
      // then the street asks for one of them, which the district may grant.
      const own = (await this.assignment(sub)).completeDueAt!;
      await this.wait(this.sh.unit, this.r.int(20, 60));
      await this.run('requestExtension', async () =>
        lc.requestExtension(this.deps, head, top, {
          version: (await this.assignment(top)).version,
          reason: '涉及产权单位协调，区里申请延长办理时限。',
          requestedDueAt: new Date(own.getTime() + 48 * HOUR).toISOString(),
        }),
      );
      await this.wait(this.sh.dispatcher, this.r.int(10, 40));
      await this.run('reviewExtension', async () =>
        lc.reviewExtension(this.deps, this.actor('dispatcher1'), s.id, true, { version: (await this.ticket(s.id)).version }),
      );
      const requestedDueAt = new Date(own.getTime() + 24 * HOUR);
      await this.wait(this.sh.unit, this.r.int(30, 90));
      await this.run('requestExtension', async () =>
        lc.requestExtension(this.deps, this.w.handlerOf(street.id)!, sub, {
          version: (await this.assignment(sub)).version,
          reason: '需协调产权单位共同维修，申请延长办理时限。',
          requestedDueAt: requestedDueAt.toISOString(),
        }),
      );
      return;
    }
    const community = street.communities.find((c) => this.w.handlerOf(c.id))!;
    await this.signAndContact(street.id, sub, null);
    const leaf = await this.handDown(s, sub, street.id, community.id, `请${community.name}上门核实，当日反馈。`);
    await this.signAndContact(community.id, leaf, '社区网格员已上门核实，协调物业当日处理完毕，诉求人表示认可。');
  }
}
