/** Words of the shell every screen shares: the app, navigation, screen titles, durations, the live connection. */
const zh = {
  'app.name': '接诉 · 12345 热线工单系统',
  'app.short': '接诉',

  'common.loading': '正在加载…',
  'common.skip': '跳到主要内容',
  'common.nav': '功能导航',
  'common.logout': '退出登录',
  'common.detail': '工单详情',
  'common.forbidden': '您的角色不能使用此页面。',

  'screen.intake': '话务受理台',
  'screen.window': '“办不成事”反映窗口',
  'screen.dispatch': '派单审核台',
  'screen.unit': '承办工作台',
  'screen.callback': '回访工作台',
  'screen.wallboard': '督办大屏',
  'screen.reports': '月度分析报告',
  'screen.calendar': '工作日历',

  'time.dh': '{d}天{h}时',
  'time.hm': '{h}时{m}分',
  'time.ms': '{m}分{s}秒',
  'time.left': '剩 {span}',
  'time.over': '超 {span}',

  'live.online': '实时在线',
  'live.connecting': '正在重连',
  'live.offline': '离线',

  'screen.governance': '未诉先办 · 治理专题',
} as const;

const en: Record<keyof typeof zh, string> = {
  'app.name': 'Jiesu · 12345 hotline tickets',
  'app.short': 'Jiesu',

  'common.loading': 'Loading…',
  'common.skip': 'Skip to main content',
  'common.nav': 'Screens',
  'common.logout': 'Sign out',
  'common.detail': 'Ticket details',
  'common.forbidden': 'Your role cannot use this screen.',

  'screen.intake': 'Call intake',
  'screen.window': '"Can\'t get it done" window',
  'screen.dispatch': 'Dispatch & review',
  'screen.unit': 'Unit workbench',
  'screen.callback': 'Callbacks',
  'screen.wallboard': 'Supervisor wallboard',
  'screen.reports': 'Monthly reports',
  'screen.calendar': 'Working-day calendar',

  'time.dh': '{d}d {h}h',
  'time.hm': '{h}h {m}m',
  'time.ms': '{m}m {s}s',
  'time.left': '{span} left',
  'time.over': '{span} over',

  'live.online': 'live',
  'live.connecting': 'reconnecting',
  'live.offline': 'offline',

  'screen.governance': 'Hotspots · governance topics',
};

export default { zh, en };
