/** Words of the sign-in form (two steps) and the demo accounts beside it. */
const zh = {
  'login.subtitle': '请使用工号登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.lookupLink': '市民查询工单进度',
  'login.secondStep': '双因素认证',
  'login.secondStepHelp': '请输入验证器（如 Microsoft Authenticator、Google 身份验证器）显示的 6 位动态验证码，或一个恢复码。',
  'login.code': '动态验证码或恢复码',
  'login.verify': '验证并登录',
  'login.back': '返回，重新输入用户名和密码',
  'login.demoMode': '演示模式',
  'login.demoCode': '当前可用的演示验证码：',
  'login.demoCodeWait': '（{n} 秒后生效）',
  'login.useDemoCode': '填入演示验证码',
  'login.demoAccounts': '演示账号',
  'login.demoPassword': '演示账号的密码均为 {password}，点击账号即可填入。',
  'login.demoAccount': '演示账号',
  'login.needsCode': '需动态验证码',
} as const;

const en: Record<keyof typeof zh, string> = {
  'login.subtitle': 'Sign in with your staff account',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.lookupLink': 'Citizens: look up a ticket',
  'login.secondStep': 'Two-factor authentication',
  'login.secondStepHelp': 'Enter the 6-digit code your authenticator app (e.g. Microsoft Authenticator, Google Authenticator) shows, or a recovery code.',
  'login.code': 'Verification or recovery code',
  'login.verify': 'Verify and sign in',
  'login.back': 'Back to username and password',
  'login.demoMode': 'Demo mode',
  'login.demoCode': 'The demo code accepted now: ',
  'login.demoCodeWait': ' (valid in {n} s)',
  'login.useDemoCode': 'Fill in the demo code',
  'login.demoAccounts': 'Demo accounts',
  'login.demoPassword': 'Every demo account has the password {password}; click an account to fill it in.',
  'login.demoAccount': 'Demo account',
  'login.needsCode': 'needs a code',
};

export default { zh, en };
