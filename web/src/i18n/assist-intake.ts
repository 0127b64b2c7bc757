/** Words of assisted intake at the intake console: the suggested categories and units (智能分类 / 智能派单). */
const zh = {
  'assistIntake.title': '智能建议',
  'assistIntake.hint': '根据本中心已办结工单学习得出，仅供参考；按 Alt+数字键采用分类，不会自动保存。',
  'assistIntake.categories': '建议分类',
  'assistIntake.units': '建议承办单位',
  'assistIntake.unitsHint': '承办单位由派单员确定；此建议随工单记录，派单时可按 Alt+数字键采用。',
  'assistIntake.confidence': '置信度',
  'assistIntake.words': '依据：{words}',
  'assistIntake.accepted': '已采用第 {rank} 条建议分类：{name}',
  'assistIntake.key': '采用建议分类',
};
const en: Record<keyof typeof zh, string> = {
  'assistIntake.title': 'Suggestions',
  'assistIntake.hint': "Learned from this centre's closed tickets, for reference only; Alt+number takes a category, nothing is saved by itself.",
  'assistIntake.categories': 'Suggested categories',
  'assistIntake.units': 'Suggested handling units',
  'assistIntake.unitsHint': 'The dispatcher chooses the units; this suggestion is recorded with the ticket, and takes one key at the dispatch desk.',
  'assistIntake.confidence': 'Confidence',
  'assistIntake.words': 'Because of: {words}',
  'assistIntake.accepted': 'Suggested category {rank} taken: {name}',
  'assistIntake.key': 'Take a suggested category',
};

export default { zh, en };
