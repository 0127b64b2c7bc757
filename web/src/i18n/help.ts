/** Words of the "?" shortcuts overlay, the way home, and field errors. */
const zh = {
  'help.title': '本页快捷键',
  'help.close': '关闭',
  'help.help': '显示 / 关闭本说明（不在输入框中时）',
  'help.escape': '关闭列表或对话框',
  'help.tab': '在字段之间移动',
  'help.list': '在列表中上下移动，Enter 打开',
  'help.tabs': '切换队列标签',
  'help.combo': '下拉框：输入筛选，↑/↓ 选择，Enter 选中',
  'help.radios': '在选项组内切换',
  'help.submit': '提交当前表单',
  'help.home': '返回首页',
  'picker.chosen': '已选{label}',
  'picker.remove': '移除 {label}',
  'picker.placeholder': '输入单位名称筛选',
  'picker.hint': '输入名称筛选，↑/↓ 选择，Enter 添加；退格键移除最后一个',
} as const;

const en: Record<keyof typeof zh, string> = {
  'help.title': 'Shortcuts on this screen',
  'help.close': 'Close',
  'help.help': 'show / hide this help (when not typing in a field)',
  'help.escape': 'close a list or dialog',
  'help.tab': 'move between fields',
  'help.list': 'move up and down a list, Enter opens',
  'help.tabs': 'switch queue tabs',
  'help.combo': 'combo box: type to filter, ↑/↓ to move, Enter to pick',
  'help.radios': 'change the choice within a group',
  'help.submit': 'submit the form',
  'help.home': 'Back to my home screen',
  'picker.chosen': 'Chosen: {label}',
  'picker.remove': 'Remove {label}',
  'picker.placeholder': 'Type a unit name to filter',
  'picker.hint': 'Type to filter, ↑/↓ to move, Enter to add; Backspace removes the last one',
};

export default { zh, en };
