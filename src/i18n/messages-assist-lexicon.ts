/** The API's messages about the segmentation words (assist_lexicon), by stable code (part of ERROR_MESSAGES). */
export const ASSIST_LEXICON_MESSAGES = {
  lexicon_word_invalid: {
    'zh-CN': '词语须为 2–30 个字符，且不能含空格或控制字符。',
    en: 'A word must be 2–30 characters long, with no spaces or control characters.',
  },
  lexicon_word_exists: { 'zh-CN': '词库中已有“{word}”。', en: 'The lexicon already has “{word}”.' },
  lexicon_word_not_found: { 'zh-CN': '词库中没有“{word}”。', en: 'The lexicon has no “{word}”.' },
};
