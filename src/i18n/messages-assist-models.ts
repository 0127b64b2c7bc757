/** The API's messages about assisted intake's models and settings (retraining, the auto-dispatch threshold), by stable code (part of ERROR_MESSAGES). */
export const ASSIST_MODEL_MESSAGES = {
  assist_retrain_running: {
    'zh-CN': '智能分类模型正在重新训练，请等这一次完成后再试。',
    en: 'The suggestion models are being retrained; try again when this run has finished.',
  },
  assist_too_few_tickets: {
    'zh-CN': '近 {days} 天内办结的工单少于 {min} 件，暂时无法训练智能分类模型。',
    en: 'Fewer than {min} tickets closed in the last {days} days: there is not enough to train the suggestion models yet.',
  },
  assist_threshold_invalid: {
    'zh-CN': '自动派单的置信度阈值须在 {min} 到 1 之间，或留空表示关闭。',
    en: 'The auto-dispatch confidence threshold must lie between {min} and 1, or be empty to switch it off.',
  },
};
