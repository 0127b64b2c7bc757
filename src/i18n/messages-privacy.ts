/** The API's messages about callers' personal data (retention, export and erasure requests), by stable code (part of ERROR_MESSAGES). */
export const PRIVACY_MESSAGES = {
  personal_data_unreadable: {
    'zh-CN': '该工单的个人信息未通过完整性校验（数据可能被改动，或缺少对应密钥），已拒绝显示；请将请求编号告知安全管理员。',
    en: "This ticket's personal data failed its integrity check (altered, or its key is missing) and is not shown; give the request id to the security administrator.",
  },
  privacy_phone_invalid: {
    'zh-CN': '请输入诉求人的有效号码：手机号（11位）或座机号（区号-号码）。',
    en: "Enter the caller's number: a mobile (11 digits) or a landline (area code-number).",
  },
};
