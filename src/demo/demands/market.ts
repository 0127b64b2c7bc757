/** The demo's demands of 市场监管: consumer rights, food safety, business registration. */
import { SHOPS, SALONS, GOODS, dur, yuan, type LeafSpec } from './parts.ts';

export const MARKET: readonly LeafSpec[] = [
  {
    path: '市场监管/消费维权/预付卡退费',
    weight: 3,
    types: [
      ['complaint', 4],
      ['consult', 1],
    ],
    placed: true,
    noun: '预付卡退费',
    demands: [
      {
        title: (c) => `${c.p.road}${c.one('salon', SALONS).slice(2)}关门无法退费`,
        content: (c) =>
          `我在${c.p.road}${c.one('salon', SALONS)}办了${yuan(c, 2000, 8000)}的会员卡，还剩一大半没用，店铺突然关门了，老板电话也打不通，门上贴着“装修暂停营业”，很多会员都联系不上商家。`,
      },
      {
        title: () => `培训机构拒绝退费`,
        content: (c) =>
          `给孩子在${c.p.landmark}附近报了一个培训班，一次交了${yuan(c, 6000, 15000, 500)}，上了几节课觉得不合适想退，机构以合同约定为由拒绝退任何费用。`,
      },
    ],
    replies: [
      () => `经市场监管所核查，该商户已停业，负责人已联系上。经组织调解，商家同意分期退还剩余预付款，首期款项已退还。已告知诉求人。`,
      () => `市场监管部门组织双方调解，培训机构同意按未消课时扣除合理费用后退费，诉求人已收到退款。`,
    ],
    questions: [
      (c) =>
        `${c.p.road}的${c.one('salon', SALONS).slice(2)}${c.r.pick(['突然关门了', '老板联系不上', '要求转卡到别的门店才能用'])}，卡里还有${yuan(c, 800, 6000)}，请问${c.r.pick(['怎么退钱', '要准备什么材料', '找哪个部门投诉'])}？`,
    ],
  },
  {
    path: '市场监管/消费维权/商品质量',
    weight: 2,
    types: [['complaint', 4]],
    placed: true,
    noun: '商品质量',
    demands: [
      {
        title: (c) => `购买的${c.one('goods', GOODS)}质量问题`,
        content: (c) => {
          const g = c.one('goods', GOODS);
          return `${dur(c)}前在${c.p.road}一家门店买的${g}，用了没几天就出了故障，商家说需要寄回厂家检测，等了很久没有结果，要求退货被拒绝。`;
        },
      },
      {
        title: (c) => `${c.p.landmark}附近超市销售过期食品`,
        content: (c) =>
          `${c.date}在${c.p.road}一家超市买的${c.r.pick(['牛奶', '面包', '酸奶', '速冻水饺'])}，回家发现已经过期${c.r.int(3, 20)}天，找超市退换，店员态度很差只肯退钱不肯按规定赔偿。`,
      },
    ],
    replies: [
      () => `经市场监管所调解，商家同意为诉求人办理退货退款，款项已原路退回。已告知诉求人。`,
      () => `经检测确属产品质量问题，商家已为诉求人更换新品并承担往返运费。`,
    ],
  },
  {
    path: '市场监管/食品安全/餐饮卫生',
    weight: 3,
    types: [
      ['complaint', 3],
      ['report', 2],
    ],
    placed: true,
    noun: '餐饮卫生',
    demands: [
      {
        title: (c) => `${c.p.road}餐馆后厨卫生差`,
        content: (c) => `${c.p.road}${c.p.no}号${c.one('shop', SHOPS)}后厨脏乱，从后门能看到食材直接放在地上，昨天在这里吃完饭，一家三口都拉肚子了。`,
      },
      {
        title: (c) => `${c.p.landmark}附近无证食品摊点`,
        content: (c) => `${c.p.landmark}附近每天放学时间有几个卖炸串、烤肠的摊点，没有任何证照，油又黑又稠，很多小学生在买，担心食品安全。`,
      },
    ],
    replies: [
      () => `市场监管所于接单当日对该餐馆进行了检查，发现食材存放不规范、后厨卫生不达标等问题，已责令立即整改并依法立案调查。已告知诉求人。`,
      (c) => `市场监管所联合街道对${c.p.landmark}周边无证摊点进行了清理，并在放学时段安排人员巡查。已向诉求人反馈。`,
    ],
  },
  {
    path: '市场监管/登记注册/营业执照办理',
    weight: 2,
    types: [['consult', 4]],
    placed: false,
    noun: '营业执照',
    demands: [
      {
        title: () => `个体户执照变更办理难`,
        content: (c) =>
          `我在${c.p.road}开了一家${c.r.pick(['便利店', '小超市', '水果店', '茶叶店'])}，想把个体工商户营业执照的经营范围加上${c.r.pick(['餐饮', '预包装食品销售', '烟草零售'])}，在网上提交了${c.r.int(2, 4)}次都被退回，每次退回的理由都不一样，希望能一次性告知需要补什么材料。`,
      },
      {
        title: () => `公司注销流程反复退回`,
        content: (c) =>
          `${c.r.pick(['我们的小公司', '家里的个体店', '朋友的合伙企业'])}想办注销，网上提交了简易注销申请，公示期满后又被告知还要先去税务清税，来回跑了好几次，希望能说清楚完整流程。`,
      },
    ],
    replies: [() => `市场监管局登记窗口已电话联系诉求人，一次性告知经营范围变更所需材料，并协助其在网上完成申报，现已办结。`],
    questions: [
      (c) =>
        `我想在${c.p.street.name}开一家${c.r.pick(['小吃店', '便利店', '理发店', '花店', '五金店', '奶茶店'])}，请问${c.r.pick(['营业执照在哪里办，需要多长时间', '个体户执照可以网上办吗', '需要准备哪些材料', '电子营业执照怎么下载'])}？`,
    ],
    window: { matters: ['个体工商户营业执照变更', '公司设立登记'], halls: ['市政务服务中心市场监管窗口'], reasons: ['documents', 'process', 'it_system'] },
  },
];
