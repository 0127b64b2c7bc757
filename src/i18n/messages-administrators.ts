/**
 * The API's messages about the three separated administrators (三权分立) — who manages which accounts, roles,
 * sessions — by stable code (part of ERROR_MESSAGES).
 */
export const ADMINISTRATOR_MESSAGES = {
  administrator_account_forbidden: {
    'zh-CN': '系统管理员不能创建或变更三类管理员（系统、安全、审计管理员）的账号，请由安全管理员办理。',
    en: 'The system administrator may not create or change the accounts of the three administrators; the security administrator does.',
  },
  own_account_forbidden: {
    'zh-CN': '管理员不能在管理功能中变更自己的账号（角色、密码），请由另一位安全管理员办理，或在“我的账号”中修改密码。',
    en: 'An administrator may not change its own account (role, password) here: another security administrator does, or change your password under My account.',
  },
  last_administrator: {
    'zh-CN': '这是该类管理员最后一个启用的账号，系统必须至少保留一个，不能变更其角色。',
    en: 'This is the last active account of its administrator role; the system must keep at least one, so its role cannot change.',
  },
  role_not_administrator: {
    'zh-CN': '安全管理员在此只创建三类管理员账号；其他角色的账号由系统管理员创建。',
    en: 'The security administrator creates only administrator accounts here; the system administrator creates the others.',
  },
  session_not_found: { 'zh-CN': '未找到该会话，或它已结束。', en: 'Session not found, or it has already ended.' },
};
