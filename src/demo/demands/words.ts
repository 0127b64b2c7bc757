/** The units' and the centre's words outside the demands: reasons for returns and terminations, contact summaries, notes, refusals, emergencies, callback comments. */
import type { Rng } from '../random.ts';
import type { Ctx } from './parts.ts';

/** Why a unit asks to give the ticket back, by what was wrong with the dispatch. */
export const RETURN_REASONS = [
  '经核实，该诉求涉及的是小区内部产权纠纷，不属于本单位职责范围，建议改派属地街道。',
  '诉求反映的地点不在本辖区，经现场核实位于相邻街道，请中心改派。',
  '该事项属于行业主管部门的审批职责，本单位无权处理，建议改派市级主管部门。',
];
export const TERMINATION_REASONS = [
  '诉求人来电表示问题已经自行解决，要求撤回诉求。',
  '诉求人要求超出现行政策规定，已多次当面解释，诉求人仍坚持原要求，申请终止办理。',
  '诉求事项已进入诉讼程序，按规定申请终止办理。',
];
export const CONTACT_SUMMARIES = [
  '已电话联系诉求人，了解具体情况，约定上门查看时间。',
  '已电话联系诉求人核实诉求内容，告知办理流程和预计时间。',
  '工作人员已到现场并与诉求人面谈，确认了问题位置。',
  '已联系诉求人，诉求人表示情况属实，希望尽快处理。',
];
export const NOTES = ['已安排人员现场查看，正在协调处理。', '已与相关责任单位对接，等待对方回复。', '现场已初步处置，后续跟进中。'];
export const REJECT_REPLY_REASONS = ['答复内容未说明具体处理结果和时间，请补充后重新答复。', '答复未写明是否已与诉求人沟通，请核实后补充。'];
export const GENERIC_EXTENSION = ['需协调多个部门共同处理，申请延长办理时限。', '需等待第三方检测结果，申请延长办理时限。'];
/** Calls outside the hotline's scope (不予受理), each under the category the operator filed it in. */
export const NOT_ACCEPTED = [
  {
    category: '劳动保障/劳动关系/劳动合同纠纷',
    content: '诉求人对劳动人事争议仲裁委员会作出的裁决不服，要求热线撤销仲裁结果并重新处理。',
    reason: '属于仲裁和司法程序事项，已告知诉求人可在法定期限内向人民法院起诉，不予受理。',
  },
  {
    category: '住房/物业管理/物业收费',
    content: '诉求人与物业公司的物业费纠纷已被物业公司起诉至法院，要求热线让物业公司撤诉。',
    reason: '该纠纷已进入诉讼程序，已告知诉求人依法应诉，不予受理。',
  },
  {
    category: '政务服务/办事咨询/户籍业务',
    content: '诉求人要求热线为其出具与已故父亲的亲属关系证明，用于办理继承手续。',
    reason: '热线不出具证明材料，已告知诉求人到公证机构或户籍所在地派出所办理，不予受理。',
  },
];
/** Emergencies the operator transfers at once (三方通话), each under the category it was filed in. */
export const EMERGENCIES = [
  {
    category: '公用事业/供气/燃气服务',
    line: '119' as const,
    content: (c: Ctx) => `${c.p.compound}${c.p.building}楼道里燃气味非常浓，邻居家敲门没人应，担心是燃气泄漏，请马上派人来。`,
    note: '疑似燃气泄漏，已三方通话转119，并同步通知燃气企业抢修。',
  },
  {
    category: '交通/道路交通/交通信号灯',
    line: '122' as const,
    content: (c: Ctx) => `${c.p.road}与${c.p.cross}路口的红绿灯不亮，刚刚两辆车撞在一起，有人受伤，车堵在路中间。`,
    note: '交通事故有人员受伤，已转122并提示拨打120。',
  },
  {
    category: '住房/物业管理/电梯故障',
    line: '119' as const,
    content: (c: Ctx) => `${c.p.compound}${c.p.building}的电梯困人，里面有位老人说胸口闷，物业电话打了半小时没人来。`,
    note: '电梯困人且有人身体不适，已转119，并通知物业和电梯维保单位。',
  },
  {
    category: '生态环境/噪声污染/社会生活噪声',
    line: '110' as const,
    content: (c: Ctx) => `${c.p.compound}${c.p.building}楼上住户深夜吵架摔东西，听到有人喊救命。`,
    note: '可能涉及人身安全，已转110。',
  },
];

/** What callers say at callback, by how it went; `noun` names their matter. */
export function callbackComment(r: Rng, noun: string, outcome: 'satisfied' | 'basic' | 'partly' | 'dissatisfied' | 'unsolved'): string {
  const by: Record<typeof outcome, string[]> = {
    satisfied: [`${noun}的问题已经解决了，办得很快，谢谢。`, `单位的人上门来看过，${noun}已经处理好了，很满意。`, '问题解决了，工作人员态度也很好。'],
    basic: [`${noun}基本处理了，就是时间拖得有点长。`, '已经解决，但是中间联系得不够及时。'],
    partly: [`${noun}处理了一部分，还没有完全解决，希望继续跟进。`, '暂时好了，担心过段时间又会反复。'],
    dissatisfied: [
      `${noun}的问题根本没有解决，只是打电话解释了一下。`,
      '单位说已经处理了，但现场跟原来一样，对答复不满意。',
      '答复说的情况和实际不符，没人来现场看过。',
    ],
    unsolved: [`${noun}还是老样子，没有任何变化。`, '说是处理了，实际上第二天又恢复原样了。'],
  };
  return r.pick(by[outcome]);
}
