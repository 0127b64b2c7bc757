/**
 * The plan of the period: ordinary calls day by day, regular callers, the supervisors' routine and the daily
 * hotspot job (a spike in the first weeks becomes a governance topic), clusters of calls that make hotspots,
 * and the pinned stories that leave every queue holding work at "now".
 */
import { detectHotspots } from '../../domain/hotspots/spike-alerts.ts';
import { findSpikes } from '../../domain/hotspots/detect.ts';
import { openTopic, transitionTopic } from '../../domain/governance/commands.ts';
import { openTopicInput } from '../../domain/governance/inputs.ts';
import type { CalendarData } from '../../domain/calendar/calendar.ts';
import type { Sim, SimDeps } from '../engine.ts';
import { newCaller, type Caller, type LeafSpec } from '../demands.ts';
import { placeIn, type Place } from '../places.ts';
import type { Rng } from '../random.ts';
import { advance, midnight, onShift, retreat, workingDay, type Shifts } from '../shifts.ts';
import { ChainDesk, type ChainStop } from './chain.ts';
import { DAY, HOUR, MINUTE, type Plan, type Story, type World } from './world.ts';

/** Phone calls by hour of the day (Asia/Shanghai), relative. */
const PHONE_HOURS = [0.25, 0.12, 0.08, 0.06, 0.08, 0.2, 0.5, 1.2, 2.6, 3.6, 3.6, 3.0, 1.8, 2.2, 3.1, 3.1, 2.8, 2.2, 1.6, 1.7, 1.5, 1.1, 0.7, 0.4];
/** Online submissions by hour: flatter, with an evening peak. */
const ONLINE_HOURS = [0.6, 0.4, 0.2, 0.1, 0.1, 0.2, 0.4, 0.8, 1.2, 1.5, 1.5, 1.4, 1.4, 1.3, 1.3, 1.3, 1.3, 1.2, 1.4, 1.8, 2.2, 2.2, 1.8, 1.2];

export class History extends ChainDesk {
  constructor(deps: SimDeps, sim: Sim, w: World, cal: CalendarData, sh: Shifts, r: Rng, volume: { before: number; recent: number; recentDays: number }) {
    super(deps, sim, w, cal, sh, r, volume);
    this.regulars = ['生态环境/噪声污染/社会生活噪声', '住房/物业管理/物业服务质量', '生态环境/大气污染/餐饮油烟', '交通/道路交通/停车管理'].map((path) => ({
      leaf: this.leaf(path),
      caller: newCaller(r),
      place: placeIn(r, r.pick(w.streets)),
    }));
  }

  plan(start: number, end: number) {
    // Ordinary calls, day by day: fewer on weekends and holidays; the last weeks busier than the months before.
    for (let day = start; day < end; day += DAY) {
      const dayNumber = Math.floor((day + 8 * HOUR) / DAY);
      const holiday = !workingDay(this.cal, dayNumber);
      const rate = end - day <= this.volume.recentDays * DAY ? this.volume.recent : this.volume.before;
      const count = this.r.poisson(rate * (holiday ? 0.45 : 1));
      for (let i = 0; i < count; i++) {
        const online = this.r.chance(0.2);
        const hour = this.r.weighted((online ? ONLINE_HOURS : PHONE_HOURS).map((w, h) => [h, w] as const));
        const at = day + hour * HOUR + this.r.int(0, 59) * MINUTE + this.r.int(0, 59) * 1000;
        if (at >= end) continue;
        const windowOpen = !online && onShift(this.cal, this.sh.window, at) && this.r.chance(0.25);
        this.sim.spawn(at, 'call', () => this.call(online ? 'online' : windowOpen ? 'window' : 'phone'));
      }
    }
    // A few residents call again and again about what troubles them at home (重复来电): each a new ticket.
    for (const regular of this.regulars) {
      for (let i = this.r.int(2, 4); i > 0; i--) {
        const day = midnight(end, -this.r.int(1, Math.min(60, Math.round((end - start) / DAY) - 1)));
        const at = day + this.r.int(8 * 60, 21 * 60) * MINUTE;
        if (at < start || at >= end) continue;
        this.sim.spawn(at, 'regular caller', async () => {
          const place = { ...placeIn(this.r, regular.place.street), compound: regular.place.compound, building: regular.place.building };
          const s = this.newStory(regular.leaf, regular.place.street, regular.caller, place);
          await this.intake(s, this.r.chance(0.8) ? 'phone' : 'online', this.drawPlan(s.leaf));
        });
      }
    }
    // Supervisors' routine and the daily jobs.
    for (let day = start; day < end; day += DAY) {
      this.sim.spawn(day + 7 * HOUR + 30 * MINUTE, 'hotspots job', () => this.hotspotsJob());
      this.sim.spawn(day + 9 * HOUR + 5 * MINUTE, 'supervisor routine', () => this.supervisorRoutine());
    }
    this.placeClusters(start, end);
    this.placePinned(start, end);
  }

  /** Residents who call more than once, each about one matter at home */
  protected regulars: { leaf: LeafSpec; caller: Caller; place: Place }[];

  /** The daily hotspot job; a spike in the first weeks becomes a governance topic the supervisor opens that morning. */
  protected async hotspotsJob() {
    const r = await this.sim.timings.time('jobs: hotspots', () => detectHotspots(this.deps, new Date(this.sim.time)));
    if (!r.raised || this.topicOpened || this.sim.end - this.sim.time < 14 * DAY) return;
    const to = midnight(this.sim.time);
    const spikes = await findSpikes(this.deps.db, { from: new Date(to - 7 * DAY), to: new Date(to) });
    const spike = spikes[0];
    if (!spike) return;
    this.topicOpened = true;
    this.sim.spawn(advance(this.cal, this.sh.supervisor, this.sim.time, this.r.int(30, 120)), 'topic', async () => {
      const supervisor = this.actor('supervisor1');
      const input = openTopicInput.parse({
        title: `${spike.streetName}${spike.categoryName}问题综合治理`,
        description: `近7天${spike.streetName}「${spike.categoryName}」类诉求${spike.count}件，明显高于此前各周。由属地街道牵头，会同城管执法、市场监管等部门开展综合整治，建立长效管理机制，每周报送进展。`,
        ownerUnitId: spike.streetUnitId,
        categoryId: spike.categoryId,
        streetUnitId: spike.streetUnitId,
        source: { kind: 'spike', details: { count: spike.count, mean: spike.mean, threshold: spike.threshold } },
        ticketIds: spike.ticketIds,
      });
      const topic = await this.run('openTopic', () => openTopic(this.deps, supervisor, input));
      await this.wait(this.sh.supervisor, this.r.int(120, 600));
      await this.run('transitionTopic', () =>
        transitionTopic(this.deps, supervisor, topic.id, 'start', { version: topic.version, note: '已召开专题协调会，明确街道牵头、各部门分工。' }),
      );
    });
  }
  protected topicOpened = false;

  // ---- hotspots: clusters of calls

  protected placeClusters(start: number, end: number) {
    // Two in the current week (the board's 7 days ending today), one five weeks back that becomes a topic.
    const clusters = [
      { leaf: '公用事业/供水/停水', street: 's-liulang', from: end - 4 * DAY, hours: 30, count: 6, repeats: 2 },
      { leaf: '生态环境/噪声污染/施工噪声', street: 's-nanhu', from: end - 5 * DAY, hours: 90, count: 5, repeats: 1 },
      { leaf: '城市管理/市容环境/占道经营', street: 's-hubin', from: end - 38 * DAY, hours: 80, count: 5, repeats: 1 },
    ];
    for (const c of clusters) {
      if (c.from < start + 7 * DAY) continue;
      const street = this.street(c.street);
      const site = placeIn(this.r, street);
      const ids: Story[] = [];
      for (let i = 0; i < c.count; i++) {
        const at = c.from + this.r.int(0, c.hours * 60) * MINUTE;
        this.sim.spawn(at, 'cluster', async () => {
          const place = { ...placeIn(this.r, street), site: site.site, road: site.road, landmark: site.landmark };
          const s = this.newStory(this.leaf(c.leaf), street, newCaller(this.r), place);
          ids.push(s);
          await this.intake(s, this.r.chance(0.75) ? 'phone' : 'online', this.drawPlan(s.leaf));
        });
      }
      for (let i = 0; i < c.repeats; i++) {
        this.sim.spawn(c.from + c.hours * 60 * MINUTE + this.r.int(60, 600) * MINUTE, 'cluster repeat', async () => {
          const target = ids[0];
          if (target?.id) {
            const t = await this.ticket(target.id);
            if (t.status === 'closed') return;
            const caller = newCaller(this.r);
            await this.linkContact(
              target,
              caller,
              `${caller.name}来电反映${target.place.road}一带${target.leaf.noun}问题，与${target.number}号工单反映的是同一事项，希望尽快解决。`,
            );
          }
        });
      }
    }
  }

  // ---- pinned stories: every queue holds work at "now"

  protected placePinned(start: number, end: number) {
    const unit = this.sh.unit;
    const pin = (
      at: number,
      leafPath: string,
      streetCode: string,
      plan: Partial<Plan>,
      channel: 'phone' | 'online' | 'window' = 'phone',
      caller?: Caller,
      home?: Partial<Place>,
    ) => {
      if (at < start) return; // a short history has room for the recent ones only
      this.sim.spawn(at, `pinned ${plan.stopAt ?? plan.path}`, async () => {
        const street = this.street(streetCode);
        const s = this.newStory(this.leaf(leafPath), street, caller, home && { ...placeIn(this.r, street), ...home });
        const base: Plan = {
          path: 'reply',
          callback: 'satisfied',
          community: false,
          signLate: false,
          noContact: false,
          replyRejected: false,
          supervise: false,
        };
        await this.intake(s, channel, { ...base, ...plan });
      });
    };
    // The README's caller (王先生, 13812345678) has called before about 东华街道: his history and duplicate hints show at once.
    const wang: Caller = { name: '王先生', phone: '13812345678' };
    const home: Partial<Place> = { compound: '幸福里小区', building: '3号楼', road: '翠微路', no: 3, address: '东城区东华街道幸福里小区3号楼' };
    pin(midnight(end, -40) + 10 * HOUR, '城市管理/市容环境/垃圾清运', 's-donghua', { path: 'reply', callback: 'satisfied' }, 'phone', wang, home);
    pin(midnight(end, -19) + 15 * HOUR, '生态环境/噪声污染/社会生活噪声', 's-donghua', { path: 'reply', callback: 'basic' }, 'phone', wang, home);
    pin(
      retreat(this.cal, unit, end, 900),
      '城市管理/市容环境/垃圾清运',
      's-donghua',
      { path: 'reply', brisk: true, stopAt: 'reply', leadUnitCode: 's-donghua' },
      'phone',
      wang,
      home,
    );

    // Awaiting dispatch: the last hour's calls (one past the centre's 30 minutes).
    pin(end - 12 * MINUTE, '城市管理/市政设施/道路破损', 's-hepingli', { stopAt: 'dispatch' });
    pin(end - 26 * MINUTE, '住房/物业管理/物业服务质量', 's-taoyuan', { stopAt: 'dispatch' }, 'online');
    pin(end - 47 * MINUTE, '生态环境/大气污染/餐饮油烟', 's-chaoyangmen', { stopAt: 'dispatch' });
    // 东华街道's desk (the README's handler.s-donghua): to sign, in progress, near its deadline, overdue.
    const donghua = { leadUnitCode: 's-donghua', brisk: true };
    pin(retreat(this.cal, unit, end, 40), '城市管理/市容环境/占道经营', 's-donghua', { ...donghua, stopAt: 'sign' });
    pin(retreat(this.cal, unit, end, 200), '城市管理/违法建设/私搭乱建', 's-donghua', { ...donghua, stopAt: 'sign' });
    pin(retreat(this.cal, unit, end, 600), '住房/房屋维修/房屋漏水', 's-donghua', { ...donghua, stopAt: 'reply' });
    pin(retreat(this.cal, unit, end, 5 * 450), '住房/物业管理/电梯故障', 's-donghua', { ...donghua, stopAt: 'reply' });
    pin(retreat(this.cal, unit, end, 9 * 450), '城市管理/市政设施/井盖缺失', 's-donghua', { ...donghua, path: 'stall', supervise: true });
    // Overdue elsewhere: never replied (催办 and 督办 fired), one pressed by hand, one appealed and pending.
    pin(retreat(this.cal, unit, end, 8 * 450), '劳动保障/劳动关系/拖欠工资', 's-qinglong', { path: 'stall', brisk: true, supervise: true });
    pin(retreat(this.cal, unit, end, 11 * 450), '城市管理/违法建设/私搭乱建', 's-yunling', { path: 'stall', brisk: true, appeal: 'pending' });
    pin(retreat(this.cal, unit, end, 7 * 450), '住房/物业管理/物业收费', 's-baisha', { path: 'stall', brisk: true, signLate: true });
    // The review desk: replies, a return, an extension, a termination waiting.
    pin(retreat(this.cal, unit, end, 150), '交通/道路交通/停车管理', 's-liulang', { brisk: true, stopAt: 'review' });
    pin(retreat(this.cal, unit, end, 380), '市场监管/食品安全/餐饮卫生', 's-taoyuan', { brisk: true, stopAt: 'review' });
    pin(retreat(this.cal, unit, end, 300), '住房/物业管理/物业服务质量', 's-hepingli', { brisk: true, path: 'return_ok', stopAt: 'request' });
    pin(retreat(this.cal, unit, end, 420), '住房/房屋维修/房屋漏水', 's-nanhu', { brisk: true, path: 'extension_ok', stopAt: 'request' });
    pin(retreat(this.cal, unit, end, 260), '交通/公共交通/公交服务质量', 's-chaoyangmen', { brisk: true, path: 'termination_ok', stopAt: 'request' });
    // Callbacks: approved yesterday (due today); two disputed, waiting for the supervisor; one reopened.
    pin(retreat(this.cal, unit, midnight(end), 200), '城市管理/市政设施/路灯故障', 's-hubin', { brisk: true, stopAt: 'callback' });
    pin(retreat(this.cal, unit, midnight(end), 500), '市场监管/消费维权/预付卡退费', 's-nanhu', { brisk: true, stopAt: 'callback' });
    pin(retreat(this.cal, unit, end, 4 * 450), '生态环境/噪声污染/社会生活噪声', 's-baisha', { brisk: true, callback: 'reopen', stopAt: 'disputed' });
    pin(retreat(this.cal, unit, end, 5 * 450), '住房/物业管理/物业收费', 's-donghua', {
      brisk: true,
      callback: 'close',
      stopAt: 'disputed',
      appeal: 'pending',
    });
    pin(retreat(this.cal, unit, end, 6 * 450), '城市管理/市容环境/垃圾清运', 's-chaoyangmen', { brisk: true, callback: 'reopen', stopAt: 'redo' });
    // Appeals decided: one exempted (a late reply on a matter beyond the unit), one refused (a dispute closed).
    pin(midnight(end, -33) + 10 * HOUR, '城市管理/违法建设/私搭乱建', 's-taoyuan', { path: 'late_reply', appeal: 'approve', supervise: true });
    pin(midnight(end, -26) + 15 * HOUR, '住房/物业管理/物业收费', 's-hubin', { callback: 'close', appeal: 'reject' });
    // Down the chain (下派): 东城区 hands to 东华街道, which hands one on to its community; a decision waits at each level.
    const chainPin = (at: number, leafPath: string, stop: ChainStop) =>
      at >= start &&
      this.sim.spawn(at, `pinned chain ${stop}`, async () => {
        const s = this.newStory(this.leaf(leafPath), this.street('s-donghua'));
        await this.intake(s, 'phone', { path: 'reply', callback: 'satisfied', stopAt: 'dispatch' });
        await this.downTheChain(s, 's-donghua', stop);
      });
    chainPin(retreat(this.cal, unit, end, 500), '住房/物业管理/电梯故障', 'street_review');
    chainPin(retreat(this.cal, unit, end, 420), '城市管理/市政设施/井盖缺失', 'district_review');
    chainPin(retreat(this.cal, unit, end, 360), '住房/房屋维修/房屋漏水', 'sub_extension');
    // Triage at intake beyond direct answers: not accepted, an emergency transferred, a second caller's ticket merged (并单).
    const once = (at: number, name: string, fn: () => Promise<void>) => at >= start && this.sim.spawn(at, name, fn);
    once(midnight(end, -23) + 11 * HOUR, 'pinned not accepted', () => this.notAccepted(this.newStory(this.leaf('住房/物业管理/物业收费'), this.street())));
    once(midnight(end, -16) + 21 * HOUR, 'pinned emergency', () =>
      this.emergency(this.newStory(this.leaf('公用事业/供气/燃气服务'), this.street('s-hepingli'))),
    );
    const first = midnight(end, -12) + 10 * HOUR;
    pin(first, '城市管理/市容环境/垃圾清运', 's-nanhu', { path: 'reply' });
    once(first + 3 * HOUR, 'pinned merge', async () => {
      const s = this.newStory(this.leaf('城市管理/市容环境/垃圾清运'), this.street('s-nanhu'));
      await this.intake(s, 'phone', { path: 'reply', callback: 'satisfied' }, 'merge');
    });
  }
}
