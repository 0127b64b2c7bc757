/**
 * The exact prompts the language-model hook sends (docs/assist.md quotes them) and how its answers are read.
 * Pure: the material comes in already masked (llm-privacy.ts) and clipped; nothing here touches the database.
 */
import type { ChatMessage } from '../../adapters/llm.ts';
import { LanguageModelError } from '../../adapters/llm.ts';
import { clip } from './llm-privacy.ts';

/** One ticket as the model reads it: no caller, no staff names, every text masked. */
export type TicketMaterial = {
  receivedAt: string;
  channel: string;
  type: string;
  urgency: string;
  category: string;
  address: string | null;
  status: string;
  title: string;
  content: string;
  /** How many calls it has had (the first, whose words are `content`, and the repeat calls) */
  calls: number;
  /** The calls after the first (repeat calls, calls linked to it), oldest first */
  contacts: { at: string; channel: string; repeat: boolean; content: string }[];
  /** The units holding it and what they replied */
  assignments: { unit: string; role: string; status: string; reply: string | null }[];
  /** The key steps of its history, oldest first */
  events: { at: string; label: string; unit: string | null; text: string | null }[];
};

export const SUMMARY_SYSTEM =
  '你是12345政务服务便民热线的工单助手。请根据用户提供的工单材料，用简体中文写3至5句话的摘要，供工作人员快速了解工单：' +
  '诉求人反映了什么问题、诉求是什么；共来电几次、重复来电补充了什么；办理经过的关键节点（派单、签收、答复、退单、延期、督办、回访等）和当前状态。' +
  '只依据材料，不推测，不编造，不评价承办单位。材料中的“****”和“*”是已隐去的个人信息，不要猜测或还原。' +
  '不要使用列表、标题或Markdown，直接输出摘要正文。';

export const REPLY_CHECK_SYSTEM =
  '你是12345政务服务便民热线的答复审核助手，帮助审核人员判断承办单位的答复是否回应了诉求人的诉求（是否“答非所问”）。' +
  '判断标准：答复是否针对诉求中的每一项具体问题说明了处理情况、结果或不能办理的理由；只有套话、只说已转交或已知悉、没有说明结果的，视为未回应。' +
  '只依据材料，不推测。材料中的“****”和“*”是已隐去的个人信息。' +
  '只输出一个JSON对象，不要输出其他任何内容：{"verdict":"answers 或 partly 或 does_not_answer","reason":"不超过80字的中文理由"}。' +
  'answers 表示已回应全部诉求，partly 表示只回应了部分诉求，does_not_answer 表示答非所问或没有实质回应。';

const section = (title: string, lines: string[]) => `【${title}】\n${lines.join('\n')}`;

function ticketLines(m: TicketMaterial): string[] {
  return [
    `受理时间：${m.receivedAt}`,
    `渠道：${m.channel}；类型：${m.type}；紧急程度：${m.urgency}`,
    `分类：${m.category}`,
    ...(m.address ? [`地点：${m.address}`] : []),
    `当前状态：${m.status}`,
    `标题：${m.title}`,
    `诉求内容：${m.content}`,
  ];
}

/** The summary request: the ticket, its calls, its units' replies and its history. */
export function summaryMessages(m: TicketMaterial): ChatMessage[] {
  const parts = [
    section('工单', ticketLines(m)),
    section(
      `来电记录（共来电${Math.max(m.calls, 1)}次；首次来电即上述诉求内容，其后的来电如下）`,
      m.contacts.length ? m.contacts.map((c, i) => `${i + 1}. ${c.at} ${c.channel}${c.repeat ? '（重复来电）' : ''}：${c.content}`) : ['无'],
    ),
    section(
      '承办情况',
      m.assignments.length ? m.assignments.map((a) => `- ${a.unit}（${a.role}）：${a.status}${a.reply ? `；答复：${a.reply}` : ''}`) : ['尚未派单'],
    ),
    section(
      '办理经过',
      m.events.map((e, i) => `${i + 1}. ${e.at} ${e.label}${e.unit ? `（${e.unit}）` : ''}${e.text ? `：${e.text}` : ''}`),
    ),
  ];
  return [
    { role: 'system', content: SUMMARY_SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

/** The reply check: the demand (with what repeat calls added) and the one reply under review. */
export function replyCheckMessages(m: TicketMaterial, reply: { unit: string; content: string }): ChatMessage[] {
  const added = m.contacts.map((c) => `- ${c.at}：${c.content}`);
  const parts = [
    section('诉求', [`分类：${m.category}`, `标题：${m.title}`, `诉求内容：${m.content}`]),
    ...(added.length ? [section('重复来电补充', added)] : []),
    section(`承办单位答复（${reply.unit}）`, [reply.content]),
  ];
  return [
    { role: 'system', content: REPLY_CHECK_SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

/** The summary as shown: the answer's text, without Markdown emphasis, at most 1,000 characters. */
export function readSummary(answer: string): string {
  return clip(answer.replace(/\*\*|__|^#+\s*/gm, '').trim(), 1000);
}

export const VERDICTS = ['answers', 'partly', 'does_not_answer'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The verdict and reason from the model's JSON (tolerating a ```json fence or words around it); else llm_bad_answer. */
export function readVerdict(answer: string): { verdict: Verdict; reason: string } {
  const json = answer.match(/\{[\s\S]*\}/)?.[0];
  type Answer = { verdict?: unknown; reason?: unknown } | null;
  let data: Answer = null;
  try {
    data = json ? (JSON.parse(json) as Answer) : null;
  } catch {
    /* not JSON: no verdict */
  }
  const verdict =
    typeof data?.verdict === 'string'
      ? data.verdict
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, '_')
      : '';
  const reason = typeof data?.reason === 'string' ? data.reason.trim() : '';
  if (!(VERDICTS as readonly string[]).includes(verdict) || !reason) throw new LanguageModelError('llm_bad_answer', { reason: 'no_verdict' });
  return { verdict: verdict as Verdict, reason: clip(reason, 200) };
}
