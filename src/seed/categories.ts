/**
 * The demo city's three-level category tree (诉求分类): level-1 groups, level-2 areas, leaves. The
 * 干部作风 branch is not public (Open311 and the public look-up leave it out). Codes are given at seeding
 * from the position (c01, c01-02, c01-02-03), so the tree's order is part of the data.
 */

export type CategorySeed = { name: string; public?: boolean; children?: CategorySeed[] };

const leaf = (name: string, isPublic = true): CategorySeed => ({ name, public: isPublic });

export const CATEGORY_TREE: CategorySeed[] = [
  {
    name: '城市管理',
    children: [
      { name: '市容环境', children: [leaf('占道经营'), leaf('乱贴乱画'), leaf('垃圾清运')] },
      { name: '市政设施', children: [leaf('道路破损'), leaf('路灯故障'), leaf('井盖缺失')] },
      { name: '违法建设', children: [leaf('私搭乱建')] },
    ],
  },
  {
    name: '住房',
    children: [
      { name: '物业管理', children: [leaf('物业服务质量'), leaf('物业收费'), leaf('电梯故障')] },
      { name: '房屋维修', children: [leaf('房屋漏水'), leaf('维修资金使用')] },
      { name: '住房保障', children: [leaf('公租房申请')] },
      { name: '住房公积金', children: [leaf('公积金提取')] },
    ],
  },
  {
    name: '交通',
    children: [
      { name: '公共交通', children: [leaf('公交线路调整'), leaf('公交服务质量')] },
      { name: '出租车与网约车', children: [leaf('拒载绕路')] },
      { name: '道路交通', children: [leaf('交通信号灯'), leaf('停车管理'), leaf('交通违法处理')] },
    ],
  },
  {
    name: '市场监管',
    children: [
      { name: '消费维权', children: [leaf('预付卡退费'), leaf('商品质量')] },
      { name: '食品安全', children: [leaf('餐饮卫生')] },
      { name: '登记注册', children: [leaf('营业执照办理')] },
    ],
  },
  {
    name: '政务服务',
    children: [
      { name: '办事咨询', children: [leaf('居住证办理'), leaf('户籍业务')] },
      { name: '办不成事', children: [leaf('窗口服务'), leaf('办事流程')] },
      { name: '干部作风', public: false, children: [leaf('工作人员作风', false), leaf('廉政问题线索', false)] },
    ],
  },
  {
    name: '劳动保障',
    children: [
      { name: '劳动关系', children: [leaf('拖欠工资'), leaf('劳动合同纠纷')] },
      { name: '社会保险', children: [leaf('社保卡业务'), leaf('养老保险')] },
    ],
  },
  {
    name: '生态环境',
    children: [
      { name: '噪声污染', children: [leaf('施工噪声'), leaf('社会生活噪声')] },
      { name: '大气污染', children: [leaf('餐饮油烟')] },
    ],
  },
  {
    name: '公用事业',
    children: [
      { name: '供水', children: [leaf('停水'), leaf('水质问题')] },
      { name: '供电', children: [leaf('停电')] },
      { name: '供气', children: [leaf('燃气服务')] },
      { name: '供暖', children: [leaf('供暖不热')] },
    ],
  },
];
