/** The API's messages about metrics, the monthly analysis report and citizen ratings, by stable code (part of ERROR_MESSAGES). */
export const METRICS_REPORT_MESSAGES = {
  metrics_range_invalid: { 'zh-CN': '统计区间的结束不能早于开始。', en: 'The end of the range cannot be before its start.' },
  metrics_range_too_long: {
    'zh-CN': '自定义统计区间过长：最多 {max} 天，请缩短区间或按年统计。',
    en: 'The custom range is too long: at most {max} days; shorten it or use years.',
  },
  metrics_range_too_large: {
    'zh-CN': '统计区间过长：最多 {max} 个周期，请缩短区间或改用更长的周期。',
    en: 'The range is too long: at most {max} periods; shorten it or use a longer period.',
  },
  metrics_scope_forbidden: { 'zh-CN': '只能查看本单位及下级单位的统计。', en: 'You may only see the figures of your own unit and the units below it.' },
  // monthly analysis report
  report_month_not_over: {
    'zh-CN': '{month} 尚未结束，不能生成月度报告；最近可生成的月份是 {latest}。',
    en: '{month} is not over yet, so it has no monthly report; the latest month that can be reported is {latest}.',
  },
  report_month_before_data: {
    'zh-CN': '{month} 早于系统中最早的工单（{first}），没有可统计的数据。',
    en: '{month} is before the first ticket in the system ({first}): there is nothing to report.',
  },
  report_generating: { 'zh-CN': '{month} 的报告正在生成，请稍后刷新列表。', en: 'The {month} report is being generated; refresh the list shortly.' },
  report_not_found: { 'zh-CN': '{month} 还没有已生成的报告。', en: 'There is no generated report for {month} yet.' },
  pdf_renderer_unavailable: {
    'zh-CN': 'PDF 生成服务（Chromium）不可用，报告未生成；请管理员检查服务器上的浏览器安装（CHROMIUM_PATH）。',
    en: 'The PDF renderer (Chromium) is unavailable, so the report was not generated; an administrator should check the browser install (CHROMIUM_PATH).',
  },
  // citizen ratings (好差评) and their verification (差评核实)
  rating_link_invalid: {
    'zh-CN': '评价链接无效：请核对短信中的链接是否完整，或在工单查询页输入工单号和手机号后四位后评价。',
    en: 'This rating link is not valid: check that the link from the SMS is complete, or rate from the look-up page with the ticket number and the last four digits.',
  },
  rating_link_expired: {
    'zh-CN': '评价链接已过期：请在工单查询页输入工单号和手机号后四位后评价。',
    en: 'This rating link has expired: rate from the look-up page with the ticket number and the last four digits.',
  },
  rating_already_given: {
    'zh-CN': '本轮办理您已评价过，感谢您的反馈。每轮办理只能评价一次。',
    en: 'You have already rated this round of handling: one rating per round. Thank you.',
  },
  rating_not_open: {
    'zh-CN': '该工单当前还不能评价：承办单位答复经审核后才可评价（重办的工单在新的答复后可再次评价）。',
    en: 'This ticket cannot be rated yet: ratings open once the unit’s reply has been approved (a reopened ticket can be rated again after its new reply).',
  },
  verification_not_found: { 'zh-CN': '差评核实记录不存在，或您无权查看。', en: 'No such verification, or you may not see it.' },
  verification_wrong_status: {
    'zh-CN': '该差评核实当前状态为“{status}”，不能进行此操作；请刷新后查看最新状态。',
    en: 'This verification is now "{status}", so this step is not possible; refresh to see its current state.',
  },
} satisfies Record<string, { 'zh-CN': string; en: string }>;
