/** Words of the receiving unit's triage panel (研判分类) on the unit desk. */
const zh = {
  'triage.title': '研判分类',
  'triage.ordinary': '普通件',
  'triage.complex': '复杂件',
  'triage.due': '研判时限',
  'triage.quickReply': '答复时限',
  'triage.signFirst': '请先签收',
  'triage.done': '已研判为{level}（{number}）',
  'triage.awaiting': '研判时限待日历',
} as const;

const en: Record<keyof typeof zh, string> = {
  'triage.title': 'Triage',
  'triage.ordinary': 'Ordinary',
  'triage.complex': 'Complex',
  'triage.due': 'Triage by',
  'triage.quickReply': 'Reply by',
  'triage.signFirst': 'Sign first',
  'triage.done': 'Triaged as {level} ({number})',
  'triage.awaiting': 'Triage deadline awaits the calendar',
};

export default { zh, en };
