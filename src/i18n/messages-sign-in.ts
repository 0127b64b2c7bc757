/** The API's messages about passwords and the second factor, by stable code (part of ERROR_MESSAGES). */
export const SIGN_IN_MESSAGES = {
  password_policy: {
    'zh-CN': '密码不符合密码策略：长度或字符种类（大写字母、小写字母、数字、符号）不足，或与最近使用过的密码相同。',
    en: 'The password does not meet the policy: too short, too few kinds of characters (upper case, lower case, digits, symbols), or one of the recent passwords.',
  },
  second_factor_invalid: { 'zh-CN': '动态验证码不正确或已过期。', en: 'The verification code is wrong or has expired.' },
  second_factor_replayed: {
    'zh-CN': '该动态验证码已使用过，请等待验证器显示下一个验证码。',
    en: 'This verification code has already been used; wait for the next code in your authenticator.',
  },
  login_challenge_invalid: { 'zh-CN': '登录验证已失效，请重新输入用户名和密码。', en: 'This sign-in has expired; enter your username and password again.' },
  second_factor_enrolment_required: {
    'zh-CN': '您的角色要求启用双因素认证，请先在“账号安全”中绑定验证器。',
    en: 'Your role requires a second factor: set up an authenticator under Account security first.',
  },
  password_change_required: { 'zh-CN': '请先在“账号安全”中修改密码。', en: 'Change your password under Account security first.' },
  second_factor_already_enabled: { 'zh-CN': '双因素认证已启用。', en: 'The second factor is already enabled.' },
  second_factor_not_enrolling: { 'zh-CN': '请先开始绑定验证器。', en: 'Start setting up the authenticator first.' },
  second_factor_not_enabled: { 'zh-CN': '尚未启用双因素认证。', en: 'No second factor is enabled.' },
  second_factor_required_for_role: {
    'zh-CN': '您的角色要求双因素认证，不能关闭。',
    en: 'Your role requires a second factor; it cannot be turned off.',
  },
  second_factor_role_mandatory: {
    'zh-CN': '系统管理员、安全管理员、审计管理员和值班长必须使用双因素认证，不能从策略中移除；可以为其他角色增加此要求。',
    en: 'The system, security and audit administrators and supervisors must always use a second factor and cannot be left out of the policy; other roles may be added.',
  },
  current_password_incorrect: { 'zh-CN': '当前密码不正确。', en: 'The current password is wrong.' },
};
