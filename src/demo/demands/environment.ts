/** The demo's demands of 生态环境: noise, air. */
import { SHOPS, dur, night, type LeafSpec } from './parts.ts';

export const ENVIRONMENT: readonly LeafSpec[] = [
  {
    path: '生态环境/噪声污染/施工噪声',
    weight: 4,
    types: [['complaint', 5]],
    placed: true,
    noun: '施工噪音',
    demands: [
      {
        title: (c) => `${c.p.site}夜间施工扰民`,
        content: (c) =>
          `${c.p.site}${night(c)}还在施工，打桩机、渣土车的声音特别大，${c.p.compound}的住户根本睡不着，已经持续${dur(c)}了，家里有高三的孩子，请尽快处理。`,
      },
      {
        title: (c) => `${c.p.compound}周边工地噪音`,
        content: (c) => `${c.p.compound}旁边的工地周末也不停工，一大早就开始切割钢筋，噪音刺耳，工地也没有公示夜间施工许可，请查一下是否违规。`,
      },
    ],
    replies: [
      (c) => `经执法人员夜间突击检查，${c.p.site}确有夜间违规施工行为，已依法立案处罚，并责令施工单位严格落实22时至次日6时禁止高噪声作业规定。已告知诉求人。`,
      () => `经核实，该工地持有混凝土连续浇筑的夜间施工证明，已要求施工单位在现场公示并采取降噪措施，非许可时段不得施工。已向诉求人解释说明。`,
    ],
    questions: [
      (c) => `${c.p.compound}旁边的工地${night(c)}还在施工，请问${c.r.pick(['夜间施工有什么规定', '工地晚上几点必须停工', '夜间施工需要什么手续'])}？`,
    ],
  },
  {
    path: '生态环境/噪声污染/社会生活噪声',
    weight: 4,
    types: [['complaint', 5]],
    placed: true,
    noun: '噪音',
    demands: [
      {
        title: (c) => `${c.p.landmark}广场舞噪音扰民`,
        content: (c) => `${c.p.landmark}附近每天晚上七点到十点有人跳广场舞，音箱开得特别大，${c.p.compound}临街的住户在家说话都听不清，孩子没法写作业。`,
      },
      {
        title: (c) => `${c.p.compound}楼上住户噪音`,
        content: (c) => `${c.p.compound}${c.p.building}楼上住户${night(c)}经常拖动家具、敲敲打打，上去沟通过几次没用，物业也协调不了，已经严重影响休息。`,
      },
      {
        title: (c) => `${c.p.road}商铺外放音响`,
        content: (c) => `${c.p.road}几家商铺门口放着大音箱循环播放促销广告，从早上九点一直放到晚上，周边住户不堪其扰。`,
      },
    ],
    replies: [
      (c) =>
        `社区联合派出所民警与广场舞队伍负责人沟通，已约定将音量控制在规定范围内、21时前结束活动，并将活动地点调整到远离住宅的${c.p.landmark}东侧空地。已告知诉求人。`,
      () => `社区网格员和物业上门调解，楼上住户同意在家具脚垫加装防噪垫，并注意夜间活动。诉求人表示后续观察。`,
      () => `街道城管执法队已责令商铺停止使用高音喇叭招揽顾客，商户已当场整改。已向诉求人反馈。`,
    ],
  },
  {
    path: '生态环境/大气污染/餐饮油烟',
    weight: 3,
    types: [['complaint', 5]],
    placed: true,
    noun: '油烟',
    demands: [
      {
        title: (c) => `${c.p.road}餐馆油烟直排`,
        content: (c) =>
          `${c.p.road}${c.p.no}号楼下新开了${c.one('shop', SHOPS)}，油烟管道直接对着居民楼，每天中午和晚上油烟味特别大，窗户都不敢开，晾的衣服全是油味。`,
      },
      {
        title: (c) => `${c.p.road}露天烧烤油烟`,
        content: (c) => `${c.p.road}夜市的烧烤摊都在露天烤，烟雾弥漫，${c.p.compound}的住户家里全是烟，已经${dur(c)}了。`,
      },
    ],
    replies: [
      () => `经生态环境执法人员现场检查，该餐馆油烟净化设施未正常运行，已责令其清洗维护并将排烟口改至楼顶高空排放，目前已整改完毕。已告知诉求人。`,
      (c) => `街道联合城管、生态环境部门对${c.p.road}露天烧烤进行整治，已全部入室经营并安装油烟净化设备。已向诉求人反馈。`,
    ],
  },
];
