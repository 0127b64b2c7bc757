/** The demo's demands of 公用事业: water, power, gas, heating. */
import { dur, yuan, area, type LeafSpec } from './parts.ts';

export const UTILITIES: readonly LeafSpec[] = [
  {
    path: '公用事业/供水/停水',
    weight: 3,
    types: [
      ['help', 4],
      ['complaint', 1],
    ],
    placed: true,
    noun: '停水',
    demands: [
      {
        title: (c) => `${c.p.compound}突然停水`,
        content: (c) =>
          `${area(c)}从${c.r.pick(['今天早上', '昨天晚上', '中午'])}开始突然停水，没有看到任何停水通知，家里老人孩子做饭洗漱都没水，请问什么时候能恢复。`,
      },
      {
        title: (c) => `${c.p.compound}水压低`,
        content: (c) => `${c.p.compound}${c.p.building}高层住户这${dur(c)}水压特别低，热水器都打不着火，白天基本没水，晚上十一点以后才有一点。`,
      },
    ],
    replies: [
      (c) =>
        `经查，${c.p.compound}停水系${c.p.road}供水管道爆管抢修所致。供水企业已于${c.date}完成抢修，恢复正常供水，并对未及时发布通知的情况向用户致歉。已告知诉求人。`,
      (c) => `供水企业已对${c.p.compound}二次供水加压泵进行检修，更换了故障变频器，高层水压已恢复正常。已向诉求人反馈。`,
    ],
    questions: [
      (c) =>
        `${area(c)}${c.r.pick(['停水了', '水压很小', '突然没水了', '说是要计划停水'])}，请问${c.r.pick(['哪里能查到停水通知', '什么时候能恢复供水', '停水会提前多久通知'])}？`,
    ],
  },
  {
    path: '公用事业/供水/水质问题',
    weight: 2,
    types: [
      ['complaint', 3],
      ['help', 1],
    ],
    placed: true,
    noun: '水质',
    demands: [
      {
        title: (c) => `${c.p.compound}自来水发黄`,
        content: (c) => `${c.p.compound}的自来水这几天打开水龙头是黄色的，放了很久才变清，烧开后水壶底下有很多沉淀，不敢喝，请检测一下水质。`,
      },
      {
        title: (c) => `${c.p.compound}二次供水水箱不清洗`,
        content: (c) =>
          `${c.p.compound}的二次供水水箱${c.r.pick(['一年多', '两年', '好几年'])}没有清洗过了，自来水有一股怪味，物业说清洗要业主分摊费用，请供水部门督促检查。`,
      },
    ],
    replies: [
      (c) => `供水企业于接单当日到${c.p.compound}取样检测，水质各项指标符合国家标准，浑浊系管网冲洗后铁锈扰动所致。已对小区管网进行排放冲洗，已向诉求人解释。`,
    ],
  },
  {
    path: '公用事业/供电/停电',
    weight: 2,
    types: [['help', 4]],
    urgency: [
      ['urgent', 1],
      ['normal', 3],
    ],
    placed: true,
    noun: '停电',
    demands: [
      {
        title: (c) => `${c.p.compound}频繁停电`,
        content: (c) => `${c.p.compound}这${dur(c)}已经停了好几次电，每次几个小时，冰箱里的东西都坏了，供电公司说是线路老化，一直没有彻底解决。`,
      },
      {
        title: (c) => `${c.p.road}施工挖断电缆停电`,
        content: (c) =>
          `${c.p.road}${c.r.pick(['今天上午', '昨天下午', '中午'])}有施工队挖断了电缆，${c.p.compound}一带全部停电，到现在已经${c.r.int(4, 9)}个小时，家里有老人用制氧机，请尽快抢修。`,
      },
    ],
    replies: [(c) => `经区政府协调供电企业，${c.p.compound}小区老旧配电线路已纳入改造计划，供电企业已先行更换故障电缆分支箱，近期未再出现停电。已告知诉求人。`],
    questions: [
      (c) =>
        `${c.p.compound}${c.p.building}${c.r.pick(['整栋楼停电了', '家里突然没电了，邻居家也没电', '这一片都停电了'])}，请问${c.r.pick(['找谁报修', '有没有计划停电通知', '大概多久能来电'])}？`,
    ],
    extension: ['配电线路改造需要停电施工，须提前发布停电公告并与小区协商时间，申请延长办理时限。'],
  },
  {
    path: '公用事业/供气/燃气服务',
    weight: 2,
    types: [
      ['help', 3],
      ['complaint', 1],
    ],
    placed: true,
    noun: '燃气',
    demands: [
      {
        title: (c) => `${c.p.compound}燃气开通慢`,
        content: (c) => `${c.p.compound}新房交付三个月了，燃气一直没有通，燃气公司说在排期，现在每天只能用电磁炉做饭，请帮忙催一下。`,
      },
      {
        title: () => `燃气表计量异常`,
        content: (c) => `家里燃气费这个月突然交了${yuan(c, 300, 600, 10)}，平时一个月只有六七十块，家里人口也没有变化，怀疑燃气表有问题。`,
      },
    ],
    replies: [
      (c) => `经区政府协调，燃气企业已完成${c.p.compound}的通气验收，诉求人家已于${c.date}通气点火。已告知诉求人。`,
      () => `燃气企业已上门对燃气表进行检测，确认计量存在偏差，已更换新表并退还多收的费用。已向诉求人反馈。`,
    ],
    questions: [
      (c) =>
        `${c.p.compound}家里${c.r.pick(['厨房', '热水器旁边', '燃气表那里'])}闻到一点煤气味，但是很淡，请问${c.r.pick(['应该怎么处理', '燃气公司的抢修电话是多少', '需要先关总阀吗'])}？`,
    ],
  },
  {
    path: '公用事业/供暖/供暖不热',
    weight: 5,
    types: [
      ['complaint', 4],
      ['help', 1],
    ],
    placed: true,
    noun: '暖气',
    months: [11, 12, 1, 2, 3],
    demands: [
      {
        title: (c) => `${c.p.compound}暖气不热`,
        content: (c) =>
          `${c.p.compound}${c.p.building}家里暖气片摸着只有温乎乎的，室内温度只有十四五度，家里有八十多岁的老人和婴儿，打供热公司电话一直说在排查。`,
      },
      {
        title: (c) => `${c.p.compound}整栋楼不供暖`,
        content: (c) => `${c.p.compound}${c.p.building}整个单元供暖开始后就一直不热，物业说是管道堵了，要等供热公司来，已经${dur(c)}了。`,
      },
    ],
    replies: [
      (c) => `经区政府协调，供热企业于${c.date}上门测温并对${c.p.compound}单元立管进行了排气和冲洗，复测室温达到20℃。已告知诉求人。`,
      () => `供热企业排查发现该单元分支管道阀门故障，已更换阀门，室温恢复至19℃以上。已向诉求人反馈。`,
    ],
    questions: [
      (c) =>
        `${c.p.compound}${c.r.pick(['暖气不太热', '还没开始供暖', '暖气片有一组不热', '家里只有十六度'])}，请问${c.r.pick(['今年什么时候开始供暖', '暖气不热打哪个电话', '供热公司会上门测温吗', '室温多少度算达标'])}？`,
    ],
  },
];
