/** Words of the callback desk. */
const zh = {
  'callback.round': '第 {round} 轮',
  'callback.roundAttempts': '本轮已拨 {n} 次，剩 {left} 次',
  'callback.roundNote': '重办后第 {round} 轮回访',
  'callback.attemptNote': '第 {round} 轮第 {attempt} 次',
  'callback.queue': '待回访',
  'callback.empty': '没有待回访的工单。',
  'callback.pick': '从左侧选择一张工单回访。',
  'callback.record': '回访结果',
  'callback.callNow': '请拨打',
  'callback.attempts': '本轮已回访 {n} 次未接通',
  'callback.reached': '是否接通',
  'callback.solved': '是否解决',
  'callback.satisfaction': '满意度',
  'callback.comment': '回访备注',
  'callback.overdue': '已到期',
  'callback.dueAt': '应回访 {at}',
  'callback.save': '保存回访',
  'callback.saved': '工单 {number} 回访已记录：{status}',
} as const;

const en: Record<keyof typeof zh, string> = {
  'callback.round': 'round {round}',
  'callback.roundAttempts': '{n} calls this round, {left} left',
  'callback.roundNote': 'Callback round {round} (after a reopen)',
  'callback.attemptNote': 'round {round}, call {attempt}',
  'callback.queue': 'Awaiting callback',
  'callback.empty': 'No tickets await a callback.',
  'callback.pick': 'Choose a ticket to call back.',
  'callback.record': 'Callback result',
  'callback.callNow': 'Call',
  'callback.attempts': '{n} unanswered attempts this round',
  'callback.reached': 'Reached?',
  'callback.solved': 'Solved?',
  'callback.satisfaction': 'Satisfaction',
  'callback.comment': 'Comment',
  'callback.overdue': 'due',
  'callback.dueAt': 'due {at}',
  'callback.save': 'Save callback',
  'callback.saved': 'Callback on {number} recorded: {status}',
};

export default { zh, en };
