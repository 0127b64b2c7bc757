/** The API's messages about request bodies it cannot read or store, by stable code (part of ERROR_MESSAGES). */
export const INPUT_MESSAGES = {
  invalid_json: { 'zh-CN': '请求体不是有效的 JSON。', en: 'The request body is not valid JSON.' },
  text_nul_refused: {
    'zh-CN': '提交的文字中含有空字符（\\0），无法保存或查询，请删去后重试。',
    en: 'The text contains a NUL character (\\0), which cannot be stored or searched; remove it and try again.',
  },
  text_surrogate_refused: {
    'zh-CN': '提交的文字中含有不成对的 UTF-16 代理码（如 \\ud800），它不是有效字符，请删去后重试。',
    en: 'The text contains an unpaired UTF-16 surrogate (such as \\ud800), which is not a character; remove it and try again.',
  },
  body_encoding_invalid: {
    'zh-CN': '请求体无法按 Content-Encoding 声明的压缩格式解开。',
    en: 'The request body cannot be decoded with the Content-Encoding it declares.',
  },
};
