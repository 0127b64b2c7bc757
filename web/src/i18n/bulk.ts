/** Words of the dispatch desk's bulk bar (批量派单, 批量审核通过, 批量并单). */
const zh = {
  'bulk.title': '批量处理（已选 {n} 件）',
  'bulk.pick': '选择工单 {number}',
  'bulk.all': '全选本队列',
  'bulk.lead': '批量派往（主办单位）',
  'bulk.assist': '协办单位',
  'bulk.dispatch': '批量派单',
  'bulk.mergeInto': '并入工单号',
  'bulk.merge': '批量并单',
  'bulk.approve': '批量通过所选答复（{n} 件）',
  'bulk.done': '批量处理完成：成功 {ok} 件，失败 {failed} 件',
} as const;

const en: Record<keyof typeof zh, string> = {
  'bulk.title': 'Bulk actions ({n} selected)',
  'bulk.pick': 'Select ticket {number}',
  'bulk.all': 'Select the whole queue',
  'bulk.lead': 'Dispatch all to (lead unit)',
  'bulk.assist': 'Assisting units',
  'bulk.dispatch': 'Dispatch selected',
  'bulk.mergeInto': 'Merge into ticket number',
  'bulk.merge': 'Merge selected',
  'bulk.approve': 'Approve selected replies ({n})',
  'bulk.done': 'Bulk action done: {ok} succeeded, {failed} failed',
};

export default { zh, en };
