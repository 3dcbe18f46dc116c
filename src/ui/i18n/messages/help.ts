/** The column help popover opened from a header's "?". The help itself is src/engine/column-help.ts. */
const en = {
  'help.button': 'What is {label}?',
  'help.does': 'What it does',
  'help.try': 'Try this',
  'help.wrong': 'What goes wrong',
  'help.key': 'In formulas: {key}',
  'help.close': 'Close',
  'help.dialog': 'Help for the column {label}',
} as const;

const ko: Record<keyof typeof en, string> = {
  'help.button': '{label} 도움말',
  'help.does': '하는 일',
  'help.try': '해 볼 것',
  'help.wrong': '잘못되면',
  'help.key': '수식에서의 이름: {key}',
  'help.close': '닫기',
  'help.dialog': '{label} 열 도움말',
};

export const help = { en, ko };
