/** The API's messages about the optional language-model hook (docs/assist.md), by stable code (part of ERROR_MESSAGES). */
export const ASSIST_LLM_MESSAGES = {
  llm_not_configured: {
    'zh-CN': '未配置大模型服务（LLM_BASE_URL），智能摘要和答复核查不可用。',
    en: 'No language model is configured (LLM_BASE_URL): summaries and reply checks are not available.',
  },
  llm_timeout: {
    'zh-CN': '大模型服务未在规定时间内答复，请稍后再试。',
    en: 'The language model did not answer in time; try again later.',
  },
  llm_unavailable: {
    'zh-CN': '大模型服务暂时无法使用（连接失败或服务报错），请稍后再试或联系管理员。',
    en: 'The language model is unavailable (the connection failed or the service answered an error); try again later or contact an administrator.',
  },
  llm_bad_answer: {
    'zh-CN': '大模型服务的答复无法识别，请重试。',
    en: "The language model's answer could not be read; try again.",
  },
  reply_check_no_reply: {
    'zh-CN': '该工单还没有可核查的承办单位答复。',
    en: 'This ticket has no unit reply to check yet.',
  },
  reply_check_forbidden: {
    'zh-CN': '只能核查本单位或下级单位的答复。',
    en: 'You may check only the replies of your own unit or of a unit below it.',
  },
};
