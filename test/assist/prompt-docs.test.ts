/**
 * docs/assist.md shows the language-model hook's prompts exactly as src/domain/assist/advice-prompts.ts sends them:
 * the two system prompts, and the user messages built from the sample ticket below. Each is a fenced block after a
 * `<!-- prompt: name -->` mark; this fails when the page and the code differ, and prints what the page should show.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ASSIGNMENT_ROLE_LABELS, CHANNEL_LABELS, EVENT_LABELS, STATUS_LABELS, TICKET_TYPE_LABELS, URGENCY_LABELS } from '../../src/contract/labels.ts';
import { REPLY_CHECK_SYSTEM, replyCheckMessages, SUMMARY_SYSTEM, summaryMessages, type TicketMaterial } from '../../src/domain/assist/advice-prompts.ts';

/** A ticket as the hook's material holds one (advice.ts: labels from the contract, texts masked: *先生). */
const SAMPLE_TICKET: TicketMaterial = {
  receivedAt: '2026-03-02 09:15',
  channel: CHANNEL_LABELS.phone,
  type: TICKET_TYPE_LABELS.complaint,
  urgency: URGENCY_LABELS.normal,
  category: '城市管理 / 市政设施 / 路灯故障',
  address: '东城区东华街道翠微路18号',
  status: STATUS_LABELS.awaiting_review,
  title: '翠微路路灯不亮',
  content: '*先生反映翠微路18号门口三盏路灯一周没亮，晚上很黑，希望尽快修复。',
  calls: 2,
  contacts: [{ at: '2026-03-05 20:10', channel: CHANNEL_LABELS.phone, repeat: true, content: '还是不亮，昨晚有老人摔倒，请快点修。' }],
  assignments: [{ unit: '东华街道', role: ASSIGNMENT_ROLE_LABELS.lead, status: STATUS_LABELS.replied, reply: '已联系路灯所，3月6日更换灯具，现已恢复照明。' }],
  events: [
    { at: '2026-03-02 09:15', label: EVENT_LABELS.ticket_created, unit: null, text: null },
    { at: '2026-03-02 09:40', label: EVENT_LABELS.dispatch, unit: '东华街道', text: null },
    { at: '2026-03-02 10:05', label: EVENT_LABELS.sign, unit: '东华街道', text: null },
    { at: '2026-03-06 16:00', label: EVENT_LABELS.reply, unit: '东华街道', text: null },
  ],
};
const SAMPLE_REPLY = { unit: '东华街道', content: '已联系路灯所，3月6日更换灯具，现已恢复照明。' };

/** What docs/assist.md must show, by mark. */
const SAMPLE: Record<string, string> = {
  'summary-system': SUMMARY_SYSTEM,
  'summary-user': summaryMessages(SAMPLE_TICKET)[1]!.content,
  'reply-check-system': REPLY_CHECK_SYSTEM,
  'reply-check-user': replyCheckMessages(SAMPLE_TICKET, SAMPLE_REPLY)[1]!.content,
};

/** The fenced blocks of a Markdown page that follow a `<!-- prompt: name -->` mark. */
function promptBlocks(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of markdown.matchAll(/<!-- prompt: ([\w-]+) -->\n+```text\n([\s\S]*?)\n```/g)) out.set(m[1]!, m[2]!);
  return out;
}

describe('docs/assist.md', () => {
  const blocks = promptBlocks(fs.readFileSync(path.join(import.meta.dirname, '../../docs/assist.md'), 'utf8'));

  it.each(Object.keys(SAMPLE))('shows the %s prompt exactly as the code builds it', (name) => {
    expect(blocks.get(name), `docs/assist.md: <!-- prompt: ${name} --> and a text block`).toBe(SAMPLE[name]);
  });

  it('sends the system prompts as the first message of each request', () => {
    expect(summaryMessages(SAMPLE_TICKET)[0]).toEqual({ role: 'system', content: SUMMARY_SYSTEM });
    expect(replyCheckMessages(SAMPLE_TICKET, SAMPLE_REPLY)[0]).toEqual({ role: 'system', content: REPLY_CHECK_SYSTEM });
  });
});
