/** The API's messages about callers' personal data (retention, export and erasure requests), by stable code (part of ERROR_MESSAGES). */
export const PRIVACY_MESSAGES = {
  privacy_phone_invalid: {
    'zh-CN': '请输入诉求人的有效号码：手机号（11位）或座机号（区号-号码）。',
    en: "Enter the caller's number: a mobile (11 digits) or a landline (area code-number).",
  },
};
