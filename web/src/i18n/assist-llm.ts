/** Words of the optional language-model advice: the ticket page's summary and the reply review's check (答非所问). */
const zh = {
  'llm.summary': '智能摘要',
  'llm.summaryHint': '由大模型根据工单内容生成摘要（已隐去个人信息）',
  'llm.replyCheck': '答复核查',
  'llm.replyCheckHint': '由大模型核查承办单位的答复是否回应了诉求（答非所问）',
  'llm.working': '正在生成，请稍候…',
  'llm.again': '重新生成',
  'llm.advisory': '机器生成，仅供参考',
  'llm.model': '模型：{model}',
  'llm.verdict.answers': '已回应诉求',
  'llm.verdict.partly': '部分回应',
  'llm.verdict.does_not_answer': '答非所问',
};

const en: Record<keyof typeof zh, string> = {
  'llm.summary': 'Smart summary',
  'llm.summaryHint': 'A summary of the ticket written by the language model (personal data removed)',
  'llm.replyCheck': 'Check the reply',
  'llm.replyCheckHint': "The language model checks whether the unit's reply answers the demand",
  'llm.working': 'Working, please wait…',
  'llm.again': 'Ask again',
  'llm.advisory': 'Machine-generated, for reference only',
  'llm.model': 'Model: {model}',
  'llm.verdict.answers': 'Answers the demand',
  'llm.verdict.partly': 'Answers it in part',
  'llm.verdict.does_not_answer': 'Does not answer the demand',
};

export default { zh, en };
