/** Words of the citizens' public look-up page. */
const zh = {
  'lookup.brand': '12345 政务服务便民热线',
  'lookup.title': '工单进度查询',
  'lookup.number': '工单号',
  'lookup.last4': '手机号后四位',
  'lookup.last4Hint': '为保护隐私，请输入来电手机号的后四位',
  'lookup.submit': '查询',
  'lookup.invalid': '请输入正确的工单号（如 20260310-000001）和手机号后四位。',
  'lookup.channel': '来源',
  'lookup.closedAt': '办结时间',
  'lookup.progress': '办理进度',
  'lookup.footer': '如有疑问请拨打 12345。',
  'lookup.newDueAt': '新的办理期限：{at}',
} as const;

const en: Record<keyof typeof zh, string> = {
  'lookup.brand': '12345 government service hotline',
  'lookup.title': 'Track your ticket',
  'lookup.number': 'Ticket number',
  'lookup.last4': 'Last four digits of your phone',
  'lookup.last4Hint': 'For your privacy, enter the last four digits of the number you called from',
  'lookup.submit': 'Look up',
  'lookup.invalid': 'Enter a ticket number such as 20260310-000001 and four digits.',
  'lookup.channel': 'Channel',
  'lookup.closedAt': 'Closed',
  'lookup.progress': 'Progress',
  'lookup.footer': 'Questions? Call 12345.',
  'lookup.newDueAt': 'New deadline: {at}',
};

export default { zh, en };
