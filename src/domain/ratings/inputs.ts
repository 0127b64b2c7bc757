import { z } from 'zod';
import { RATING_LEVELS, VERIFICATION_STATUSES } from '../../contract/vocab.ts';

const comment = z.string().trim().max(500, '评价内容不超过 500 字').optional();
const number = z
  .string()
  .trim()
  .regex(/^\d{8}-?\d{6,}$/, '工单号格式为 YYYYMMDD-NNNNNN（短横线可省略）')
  .transform((n) => (n.includes('-') ? n : `${n.slice(0, 8)}-${n.slice(8)}`));
const level = z.enum(RATING_LEVELS, { message: '请选择评价等级：非常满意、满意、基本满意、不满意或非常不满意' });

/** A rating: through the one-time link (token) or from the look-up page (number + the phone's last four digits). */
export const rateInput = z.union([
  z.object({ token: z.string().trim().min(10, '评价链接不完整').max(200), level, comment }).strict(),
  z
    .object({
      number,
      last4: z
        .string()
        .trim()
        .regex(/^\d{4}$/, '请输入手机号后四位数字'),
      level,
      comment,
    })
    .strict(),
]);
export const linkQuery = z.object({ token: z.string().trim().min(10, '评价链接不完整').max(200) });

export const listVerificationsQuery = z.object({
  status: z.enum(VERIFICATION_STATUSES).optional(),
  ticketId: z.coerce.number().int().positive().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const text = (what: string, max = 2000) => z.string().trim().min(1, `请填写${what}`).max(max, `${what}不超过 ${max} 字`);
export const appealVerificationInput = z.object({ reason: text('申诉理由'), attachmentIds: z.array(z.number().int().positive()).max(20).optional() }).strict();
export const decideVerificationInput = z.object({ confirm: z.boolean(), note: text('核实意见') }).strict();
export const rectifyVerificationInput = z.object({ text: text('整改情况'), answer: text('答复诉求人的内容', 500) }).strict();
