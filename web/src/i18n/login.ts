/** Words of the sign-in form. */
const zh = {
  'login.subtitle': '请使用工号登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.lookupLink': '市民查询工单进度',
} as const;

const en: Record<keyof typeof zh, string> = {
  'login.subtitle': 'Sign in with your staff account',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.lookupLink': 'Citizens: look up a ticket',
};

export default { zh, en };
