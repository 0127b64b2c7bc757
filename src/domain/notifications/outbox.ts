import { insertRows } from '../../../db/prepared.ts';
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { messageTemplates, notifications } from '../../../db/schema/index.ts';
import type { References } from '../reference.ts';

/** Default SMS templates; admins override them in message_templates without a release. */
export const DEFAULT_TEMPLATES: Record<string, string> = {
  intake_receipt: '【12345热线】您的诉求已受理，工单号{number}。查询进度：{lookupUrl}',
  reply_notice: '【12345热线】您的工单{number}已有答复：{reply} 查询详情：{lookupUrl} 请为办理结果评价：{rateUrl}',
  extension_notice: '【12345热线】您的工单{number}经审核延期办理，新的办理期限为{dueAt}。查询进度：{lookupUrl}',
  unit_dispatch: '【12345热线】贵单位有新派单{number}（{title}），请及时签收办理。',
  unit_warning: '【12345热线】工单{number}的{clock}时限{level}，期限{dueAt}，请抓紧办理。',
  rating_answer: '【12345热线】关于您对工单{number}的评价，承办单位已整改并答复：{answer}',
  supervision_escalated: '【12345热线】工单{number}经督办后{unitName}仍未办理（{clock}超期），已升级至贵单位负责同志，请督促办理。',
};

export type NotificationInput = {
  ticketId: number | null;
  audience: 'citizen' | 'unit';
  unitId?: number | null;
  recipient: string;
  template: string;
  params: Record<string, string | number | null | undefined>;
  /** The instant of the change that queues it (the injected clock); due for delivery from then. Default: the database's now(). */
  at?: Date;
};

export function render(body: string, params: NotificationInput['params']): string {
  return body.replace(/\{(\w+)\}/g, (_, k: string) => (params[k] === undefined || params[k] === null ? '' : String(params[k])));
}

/**
 * Queue a message in the same transaction as the change that causes it; a worker delivers it later. The
 * template comes from `refs`, the command's copy of the reference data (reference.ts), when given, else from the table.
 */
export async function enqueueNotification(tx: Db, n: NotificationInput, refs?: References): Promise<void> {
  const override = refs
    ? refs.templates.get(n.template)
    : (await tx.select({ body: messageTemplates.body }).from(messageTemplates).where(eq(messageTemplates.key, n.template)))[0]?.body;
  const body = render(override ?? DEFAULT_TEMPLATES[n.template] ?? n.template, n.params);
  await insertRows(tx, notifications, [
    {
      ticketId: n.ticketId,
      audience: n.audience,
      unitId: n.unitId ?? null,
      recipient: n.recipient,
      template: n.template,
      body,
      ...(n.at ? { createdAt: n.at, nextAttemptAt: n.at } : {}),
    },
  ]);
}
