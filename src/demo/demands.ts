/**
 * What the demo city's callers say and what its units answer, per leaf category of src/seed/categories.ts: several
 * demands per category, each composed from parts (the place of the call — street, community, road,
 * compound, landmark — a duration, a time of night, a company, a sum) so no two read alike; the units'
 * replies and the reasons they give for returns, extensions and terminations; the questions a direct
 * answer settles from the knowledge base; the "办不成事" window's matters. Plain data and small functions.
 */
import type { Rng } from './random.ts';
import type { Place } from './places.ts';
import type { TicketType, Urgency, WindowReason } from '../domain/vocab.ts';

/** Everything a sentence may use: the place (null for matters with no place), the generator, and the day it is said. */
export type Ctx = {
  r: Rng;
  p: Place;
  /** The day it is said or done, e.g. 3月12日 */
  date: string;
  /** The same choice every time it is asked for under `key` in this ticket's story (a title and its demand agree) */
  one<T>(key: string, items: readonly T[]): T;
  /** The same number every time under `key` in this ticket's story */
  num(key: string, min: number, max: number): number;
};
type Text = (c: Ctx) => string;
type Demand = { title: Text; content: Text };

export type LeafSpec = {
  /** Path of names from level 1, as in src/seed/categories.ts's CATEGORY_TREE */
  path: string;
  /** Relative share of the calls (before seasons) */
  weight: number;
  types: readonly (readonly [TicketType, number])[];
  urgency?: readonly (readonly [Urgency, number])[];
  /** Whether the demand is about a place in a street (routing reads its address) */
  placed: boolean;
  demands: readonly Demand[];
  replies: readonly Text[];
  /** What the caller calls it, for callback comments */
  noun: string;
  /** Questions a knowledge-base article of this category answers at once (直接答复) */
  questions?: readonly Text[];
  /** The "办不成事" window: matters and the hall departments where they failed */
  window?: { matters: readonly string[]; halls: readonly string[]; reasons: readonly WindowReason[] };
  /** Months (1–12) when it comes up at all; e.g. heating */
  months?: readonly number[];
  /** Reasons a unit gives when it asks for more time */
  extension?: readonly string[];
};

// ---- parts ----------------------------------------------------------------------------------------

const DURATIONS = ['两三天', '三四天', '一个星期', '十来天', '半个多月', '快一个月', '一个多月', '两个多月'];
const NIGHTS = ['每天晚上十点以后', '夜里十一点多', '凌晨一两点', '每天清早五点多', '晚上九点到十二点'];
const PROPERTY = ['恒安物业', '锦城物业', '嘉和物业服务公司', '万家物业', '绿洲物业', '安居物业管理公司'];
const SHOPS = ['一家烧烤店', '一家火锅店', '一家麻辣烫店', '一家小龙虾店', '一家早餐店', '一家川菜馆'];
const SALONS = ['一家健身房', '一家美容店', '一家少儿英语培训机构', '一家游泳馆', '一家理发店', '一家舞蹈培训班'];
const EMPLOYERS = ['江州恒达建筑劳务有限公司', '一家装修公司', '江州鑫宇电子厂', '一家物流公司', '一家连锁餐饮店', '江州华美服装厂'];
const BUSES = ['12路', '23路', '35路', 'K8路', '106路', '游2路', '夜3路', '58路'];
const GOODS = ['电动自行车', '空调', '羽绒服', '冰箱', '手机', '燃气热水器', '儿童座椅'];
const DOCS = ['户口本原件', '房产证明', '单位开具的在职证明', '近三个月的社保缴费记录', '租赁合同备案证明'];

const dur = (c: Ctx) => c.r.pick(DURATIONS);
const night = (c: Ctx) => c.r.pick(NIGHTS);
const yuan = (c: Ctx, lo: number, hi: number, step = 100) => `${Math.round(c.r.int(lo, hi) / step) * step}元`;
/** "幸福里小区3号楼" or "翠微路18号": where in the street */
const spot = (c: Ctx) => (c.r.chance(0.5) ? `${c.p.compound}${c.p.building}` : `${c.p.road}${c.p.no}号`);
const area = (c: Ctx) => `${c.p.street.name}${c.p.compound}`;

// ---- the categories -------------------------------------------------------------------------------

export const LEAVES: readonly LeafSpec[] = [
  {
    path: '城市管理/市容环境/占道经营',
    weight: 5,
    types: [['complaint', 4], ['report', 1]],
    placed: true,
    noun: '占道经营',
    demands: [
      {
        title: (c) => `${c.p.road}流动摊贩占道经营`,
        content: (c) => `${c.p.street.name}${c.p.road}靠近${c.p.landmark}一段，${dur(c)}以来每天傍晚都有十几个流动摊贩摆摊卖水果、烧烤，人行道被占满，行人只能走机动车道，晚上收摊后满地垃圾。希望城管部门加强管理。`,
      },
      {
        title: (c) => `${c.p.landmark}周边商户出店经营`,
        content: (c) => `${c.p.landmark}旁边几家店铺长期把货架和桌椅摆到店外人行道上，盲道也被占了，老人推轮椅过不去。向店家反映过，对方不理睬，请相关部门督促整改。`,
      },
      {
        title: (c) => `${c.p.compound}门口早市占道`,
        content: (c) => `${c.p.compound}小区大门口每天早上六点到九点有人摆早市，卖菜的三轮车把出入口堵住，业主上班开车出不去，已经${dur(c)}了，物业说管不了。`,
      },
    ],
    replies: [
      (c) => `经核实，${c.p.road}确有流动摊贩傍晚聚集经营。我街道已联合城管执法队于${c.date}开展集中整治，劝离摊贩，并在该路段安排人员每日17时至21时值守，同时引导摊贩进入${c.p.landmark}附近的便民疏导点经营。已电话告知诉求人。`,
      (c) => `接单后执法人员到现场核查，对出店经营的商户下达了责令改正通知书，现已清理人行道上的货架和桌椅，盲道恢复通行。我们将纳入日常巡查，防止反弹。已向诉求人反馈。`,
    ],
  },
  {
    path: '城市管理/市容环境/乱贴乱画',
    weight: 2,
    types: [['complaint', 3], ['report', 1]],
    placed: true,
    noun: '小广告',
    demands: [
      {
        title: (c) => `${c.p.compound}楼道小广告泛滥`,
        content: (c) => `${c.p.compound}${c.p.building}楼道墙上、电梯间到处是开锁、疏通下水道的小广告，刚清理完没几天又贴满了，还有用喷漆喷在墙上的电话号码，影响小区环境。`,
      },
      {
        title: (c) => `${c.p.road}电线杆乱贴办证广告`,
        content: (c) => `${c.p.road}沿街的电线杆、配电箱上贴满了办证、贷款的小广告，有的已经贴了好几层，${dur(c)}都没人清理，请安排清理并查处张贴者。`,
      },
    ],
    replies: [
      (c) => `我街道已安排保洁人员对${c.p.road}沿线电线杆、配电箱上的小广告进行清理，共清除约两百处，并将广告上的号码移送城管执法部门依法处理。后续纳入日常保洁巡查。已告知诉求人。`,
      (c) => `经核实，${c.p.compound}楼道小广告情况属实。社区已督促物业公司完成清理，对喷涂部位重新粉刷，并在单元门口加装监控提示。已电话联系诉求人说明处理情况。`,
    ],
  },
  {
    path: '城市管理/市容环境/垃圾清运',
    weight: 6,
    types: [['complaint', 5], ['help', 1]],
    placed: true,
    noun: '垃圾清运',
    demands: [
      {
        title: (c) => `${c.p.compound}垃圾多日未清运`,
        content: (c) => `${area(c)}垃圾站的垃圾已经${c.r.pick(['三天', '四天', '将近一周'])}没有清运了，垃圾桶满了堆在地上，天气一热气味很大，招了很多苍蝇，楼下住户连窗户都不敢开。`,
      },
      {
        title: (c) => `${c.p.road}装修垃圾堆放`,
        content: (c) => `${c.p.road}${c.p.no}号门口人行道上堆了一大堆装修垃圾，碎砖、木板都有，${dur(c)}没人运走，晚上路过很容易绊倒，请尽快清理。`,
      },
      {
        title: (c) => `${c.p.compound}垃圾分类点脏乱`,
        content: (c) => `${c.p.compound}小区的垃圾分类投放点每天早上才收一次，晚上厨余垃圾桶就溢出来了，污水流到路面，小区里的孩子经常在旁边玩，希望增加清运次数。`,
      },
    ],
    replies: [
      (c) => `经核实，${c.p.compound}垃圾站因清运车辆故障停运两天，造成垃圾积存。我街道已协调环卫作业单位于${c.date}全部清运完毕，对垃圾站进行了冲洗消杀，并将该点位清运频次调整为每日早晚两次。已电话告知诉求人。`,
      (c) => `接单后我街道城管科到现场查看，装修垃圾系${c.p.road}一处商铺装修所产生，已责令业主于当日清运，并告知其装修垃圾须预约清运。现场已清理干净，已向诉求人反馈。`,
      (c) => `社区已与物业公司、环卫公司协商，自本周起${c.p.compound}分类投放点的厨余垃圾增加晚间一次收运，并安排保洁员每日冲洗投放点。诉求人表示认可。`,
    ],
  },
  {
    path: '城市管理/市政设施/道路破损',
    weight: 4,
    types: [['complaint', 2], ['help', 2], ['suggestion', 1]],
    placed: true,
    noun: '路面破损',
    demands: [
      {
        title: (c) => `${c.p.road}路面坑洼`,
        content: (c) => `${c.p.street.name}${c.p.road}靠近${c.p.landmark}的路段有好几个大坑，下雨后积水看不出深浅，${c.r.pick(['前天晚上', '昨天', '这周已经'])}有电动车骑手摔倒了，请尽快修补。`,
      },
      {
        title: (c) => `${c.p.road}人行道地砖松动`,
        content: (c) => `${c.p.road}人行道的地砖松动翘起一大片，踩上去会溅泥水，老人和孩子走路容易崴脚，已经${dur(c)}了。`,
      },
    ],
    replies: [
      (c) => `经现场勘查，${c.p.road}该路段因地下管线施工回填不实出现沉陷。我单位已于${c.date}对坑槽进行了临时修补并设置警示标志，彻底翻修已列入本月道路养护计划。已告知诉求人。`,
      (c) => `已安排市政养护班组对${c.p.road}人行道松动地砖进行重新铺设，共修复约四十平方米，现已恢复平整。已电话回复诉求人。`,
    ],
    extension: ['该路段需待燃气管线迁改完成后整体翻修，需协调管线单位，申请延长办理时限。'],
  },
  {
    path: '城市管理/市政设施/路灯故障',
    weight: 4,
    types: [['help', 3], ['complaint', 1]],
    placed: true,
    noun: '路灯',
    demands: [
      {
        title: (c) => `${c.p.road}路灯不亮`,
        content: (c) => `${c.p.street.name}${c.p.road}从${c.p.landmark}往${c.p.compound}方向大约有${c.r.int(4, 12)}盏路灯不亮，已经${dur(c)}了，晚上黑漆漆的，下夜班回家很不安全。`,
      },
      {
        title: (c) => `${c.p.road}路灯白天常亮`,
        content: (c) => `${c.p.road}${c.p.no}号附近一排路灯白天也一直亮着，浪费电，另外有一根灯杆被车撞歪了，倾斜得厉害，担心倒下来砸到人。`,
      },
    ],
    replies: [
      (c) => `经排查，${c.p.road}路灯不亮系地下电缆老化短路所致。维修班组已于${c.date}更换故障电缆约八十米，路灯已全部恢复照明。已电话告知诉求人。`,
      (c) => `已安排路灯维修人员调整${c.p.road}路段的时控开关，并对被撞倾斜的灯杆进行了扶正加固。现场已恢复正常，已向诉求人反馈。`,
    ],
    questions: [(c) => `${c.p.road}${c.p.landmark}附近的路灯${c.r.pick(['不亮了', '一闪一闪的', '白天也亮着', '有好几盏不亮'])}，想问一下${c.r.pick(['路灯坏了找哪个部门报修', '报修要提供什么信息'])}，一般多久能修好？`],
  },
  {
    path: '城市管理/市政设施/井盖缺失',
    weight: 2,
    types: [['help', 3], ['report', 1]],
    urgency: [['urgent', 3], ['normal', 1]],
    placed: true,
    noun: '井盖',
    demands: [
      {
        title: (c) => `${c.p.road}井盖缺失`,
        content: (c) => `${c.p.road}${c.p.no}号门前人行道上有一个井盖不见了，只剩一个黑洞，旁边就是${c.p.landmark}，人来人往，晚上看不清很危险，请马上处理。`,
      },
      {
        title: (c) => `${c.p.compound}门口井盖破损下陷`,
        content: (c) => `${c.p.compound}门口车行道上的雨水井盖碎成了几块，车压上去哐哐响，已经有车胎被扎破了，请尽快更换。`,
      },
    ],
    replies: [
      (c) => `接单后养护人员于当日到场，设置围挡警示，并于${c.date}更换了新的防坠井盖。经查该井盖权属为排水公司，已通报其加强巡查。已电话告知诉求人。`,
      (c) => `我单位已对${c.p.compound}门口破损的雨水井盖进行更换，并对井圈进行了加固。已向诉求人反馈处理结果。`,
    ],
  },
  {
    path: '城市管理/违法建设/私搭乱建',
    weight: 3,
    types: [['report', 3], ['complaint', 2]],
    placed: true,
    noun: '违建',
    demands: [
      {
        title: (c) => `${c.p.compound}顶楼私搭阳光房`,
        content: (c) => `${c.p.compound}${c.p.building}顶楼住户正在楼顶平台搭建阳光房，已经运上去很多钢材，施工噪音很大，楼顶是公共部位，搭建后影响楼下防水，物业劝阻无效。`,
      },
      {
        title: (c) => `${c.p.compound}一楼住户圈占绿地`,
        content: (c) => `${c.p.compound}一楼住户把楼前的公共绿地用栏杆圈起来，还搭了个棚子，改成了自家花园，其他居民意见很大，请查处。`,
      },
      {
        title: (c) => `${c.p.road}沿街商铺违规加盖`,
        content: (c) => `${c.p.road}${c.p.no}号的商铺在原有房屋上又加盖了一层彩钢房，${dur(c)}前开始施工，现在已经快完工了，存在安全隐患。`,
      },
    ],
    replies: [
      (c) => `经街道城管执法队现场核查，${c.p.compound}顶楼住户未经审批搭建阳光房属实。执法队已于${c.date}下达责令限期拆除通知书，目前当事人已停止施工并自行拆除了部分框架，我们将跟踪直至拆除完毕。已告知诉求人。`,
      (c) => `经核实，该住户圈占公共绿地属实。社区和物业已约谈当事人，栏杆及棚子已于${c.date}拆除，绿地恢复原状。已向诉求人反馈。`,
    ],
    extension: ['当事人提出行政复议，拆除须待法定期限届满后依法实施，申请延长办理时限。', '违建认定需规划部门出具意见，正在协调中，申请延期。'],
  },
  {
    path: '住房/物业管理/物业服务质量',
    weight: 5,
    types: [['complaint', 5], ['suggestion', 1]],
    placed: true,
    noun: '物业服务',
    demands: [
      {
        title: (c) => `${c.p.compound}物业不作为`,
        content: (c) => `${c.p.compound}的物业公司（${c.one('property', PROPERTY)}）服务太差，小区门禁坏了${dur(c)}没修，外来人员随便进出，楼道灯也不亮，向物业反映了好几次都说在处理，一直没有结果。`,
      },
      {
        title: (c) => `${c.p.compound}地下车库积水`,
        content: (c) => `${c.p.compound}地下车库一下雨就积水，最深的地方没过脚踝，排水泵好像坏了，物业说要业主自己出钱修，请相关部门督促物业履行职责。`,
      },
      {
        title: (c) => `${c.p.compound}绿化无人养护`,
        content: (c) => `${c.p.compound}小区里的树木长得太高，枝叶已经伸到${c.p.building}住户的窗户里，挡光还有虫子，物业一直不安排修剪。`,
      },
    ],
    replies: [
      (c) => `接单后社区会同物业公司到${c.p.compound}现场核查，门禁系统已于${c.date}维修完毕，楼道灯已全部更换。社区已约谈物业公司负责人，要求建立报修台账并按时限处理。已电话告知诉求人。`,
      (c) => `经核实，${c.p.compound}地下车库排水泵损坏属实，属于物业服务合同约定的维修范围。在街道督促下，物业公司已更换排水泵并清理了排水沟，已告知诉求人。`,
      (c) => `物业公司已安排绿化人员对${c.p.compound}靠近住户窗户的树木进行修剪，并喷洒了防虫药剂。已向诉求人反馈。`,
    ],
  },
  {
    path: '住房/物业管理/物业收费',
    weight: 2,
    types: [['complaint', 3], ['consult', 1]],
    placed: true,
    noun: '物业费',
    demands: [
      {
        title: (c) => `${c.p.compound}物业擅自涨价`,
        content: (c) => `${c.p.compound}物业公司贴出通知，物业费从每平方米一块八涨到两块五，没有召开业主大会，也没有公示成本，业主都不同意，物业说不交就停水停电。`,
      },
      {
        title: (c) => `${c.p.compound}物业强制收取停车费`,
        content: (c) => `${c.p.compound}的车位是业主买的产权车位，物业却要求每个月另交${yuan(c, 150, 300, 50)}的车位管理费，不交就不给录入车牌，请问这样合理吗？`,
      },
    ],
    replies: [
      (c) => `经核实，${c.p.compound}物业公司调价未履行业主共同决定程序。街道已约谈物业公司，物业公司已撤回调价通知，继续按原标准收费，并承诺不得以停水停电方式催缴。已向诉求人说明。`,
      (c) => `我街道已会同区住建部门对${c.p.compound}车位管理费问题进行了调查，已要求物业公司公示收费依据和服务内容，在未经业主大会决定前暂停收取。已告知诉求人。`,
    ],
  },
  {
    path: '住房/物业管理/电梯故障',
    weight: 3,
    types: [['help', 3], ['complaint', 2]],
    urgency: [['urgent', 2], ['normal', 3]],
    placed: true,
    noun: '电梯',
    demands: [
      {
        title: (c) => `${c.p.compound}${c.p.building}电梯频繁故障`,
        content: (c) => `${c.p.compound}${c.p.building}的电梯这个月已经坏了${c.r.int(3, 6)}次，上周还把人困在里面半个小时，楼里住了好几位八十多岁的老人，上下楼非常困难，物业修完过两天又坏。`,
      },
      {
        title: (c) => `${c.p.compound}电梯停运`,
        content: (c) => `${c.p.compound}${c.p.building}的电梯停运${dur(c)}了，物业说要换主板，得等维修资金批下来，我家住十八楼，家里有孕妇，请帮忙协调尽快修好。`,
      },
    ],
    replies: [
      (c) => `经市场监管和街道联合检查，${c.p.compound}该部电梯控制柜元件老化。维保单位已于${c.date}更换了故障部件并完成安全检测，电梯已恢复运行。已责成物业公司加强日常维保。已告知诉求人。`,
      (c) => `街道已协调物业公司先行垫付维修费用，${c.p.compound}电梯主板已更换完毕并通过检验，现已恢复运行，后续维修资金使用程序由业委会继续办理。已电话回复诉求人。`,
    ],
    extension: ['电梯主板需厂家定制，到货周期约两周，申请延长办理时限。'],
  },
  {
    path: '住房/房屋维修/房屋漏水',
    weight: 3,
    types: [['help', 3], ['complaint', 2]],
    placed: true,
    noun: '漏水',
    demands: [
      {
        title: (c) => `${c.p.compound}楼上漏水至楼下`,
        content: (c) => `${c.p.compound}${c.p.building}，楼上住户卫生间漏水，我家天花板已经渗水发霉，墙皮大块脱落。找楼上协商，对方一直不在家，物业也联系不上，已经${dur(c)}了。`,
      },
      {
        title: (c) => `${c.p.compound}顶楼屋面渗漏`,
        content: (c) => `我家住${c.p.compound}${c.p.building}顶楼，每次下雨屋顶就往下渗水，卧室墙上全是水印，房子过了保修期，物业说要动用维修资金，不知道怎么申请。`,
      },
    ],
    replies: [
      (c) => `社区工作人员和物业维修人员于${c.date}上门查看，确认系楼上卫生间防水层破损所致。经社区调解，楼上住户同意重做防水并承担楼下的修复费用，目前防水工程已完工。已告知诉求人。`,
      (c) => `经核实，${c.p.compound}顶楼屋面防水层老化。街道已指导业委会启动维修资金应急使用程序，施工单位已进场进行屋面防水修缮。已向诉求人说明进度。`,
    ],
    extension: ['屋面维修需走维修资金使用表决和审批程序，预计需要三周，申请延长办理时限。'],
  },
  {
    path: '住房/房屋维修/维修资金使用',
    weight: 1,
    types: [['consult', 3], ['complaint', 1]],
    placed: true,
    noun: '维修资金',
    demands: [
      {
        title: (c) => `${c.p.compound}维修资金申请受阻`,
        content: (c) => `${c.p.compound}准备用维修资金更换老旧电梯，业主表决已经通过，材料交上去${dur(c)}了一直没有批复，请帮忙问一下进度。`,
      },
      {
        title: (c) => `${c.p.compound}维修资金账户余额不公开`,
        content: (c) => `${c.p.compound}的业主想查维修资金账户还剩多少钱、这几年用在了哪里，物业和业委会都说查不了，请问业主怎么查询维修资金的使用明细？`,
      },
    ],
    replies: [
      (c) => `经向区住房和城乡建设部门核实，${c.p.compound}电梯更换的维修资金申请材料缺少施工预算审核意见，已一次性告知业委会补正。补正后将在五个工作日内完成审核。已告知诉求人。`,
    ],
    questions: [(c) => `${c.p.compound}${c.r.pick(['屋顶漏水', '外墙砖脱落', '电梯要更换', '消防管道老化', '单元门禁坏了'])}，想用住宅专项维修资金，请问${c.r.pick(['需要走什么程序', '业主表决怎么算通过', '紧急情况能不能先修'])}？`],
  },
  {
    path: '住房/住房保障/公租房申请',
    weight: 2,
    types: [['consult', 3], ['help', 1]],
    placed: false,
    noun: '公租房',
    demands: [
      {
        title: () => `公租房轮候进度查询`,
        content: (c) => `本人去年在${c.p.street.name}提交了公租房申请，已经通过了公示，但到现在还没有通知配租，想了解一下现在的轮候顺序和大概还要等多久。`,
      },
      {
        title: () => `公租房申请被退回`,
        content: (c) => `我在本市稳定就业${c.r.pick(['两年多', '三年', '一年半'])}，符合新就业无房职工条件，${c.r.pick(['上个月', '两周前', '年初'])}在${c.p.street.name}提交公租房申请后被退回，说是${c.r.pick(['收入证明', '住房情况证明', '社保缴费证明'])}不符合要求，但没有说明具体原因，请帮忙核实。`,
      },
    ],
    replies: [
      () => `经查询，诉求人的公租房申请已纳入轮候名单，目前轮候序号较为靠后，预计明年上半年可安排配租。已电话告知诉求人，并说明可通过住房保障服务平台随时查询轮候进度。`,
      () => `经核实，诉求人提交的收入证明未加盖单位公章，已电话告知其补充材料的具体要求，补正后可重新提交审核。`,
    ],
    questions: [(c) => `${c.r.pick(['我是外地户口', '我去年刚毕业', '我们一家三口', '我和老伴都退休了'])}，在${c.p.street.name}${c.r.pick(['租房住', '上班两年多了', '住了五六年'])}，想问${c.r.pick(['能不能申请公租房，需要什么条件', '公租房在哪里申请', '公租房的租金大概多少'])}？`],
    window: { matters: ['公租房资格申请'], halls: ['区政务服务中心住房保障窗口'], reasons: ['documents', 'policy'] },
  },
  {
    path: '住房/住房公积金/公积金提取',
    weight: 3,
    types: [['consult', 4], ['complaint', 1]],
    placed: false,
    noun: '公积金提取',
    demands: [
      {
        title: () => `租房提取公积金被拒`,
        content: (c) => `我在${c.p.street.name}租房住，用租赁合同申请提取公积金被拒，说是合同没有备案。房东不愿意配合备案，请问还有没有别的办法？`,
      },
      {
        title: () => `离职后公积金提取到账慢`,
        content: (c) => `我离职已经${c.r.pick(['满半年', '七个多月', '快一年'])}，${c.r.pick(['上个月', '三周前', '半个多月前'])}在网上申请了公积金销户提取，审核显示通过了，但是${yuan(c, 8000, 60000, 10)}一直没有到账，打公积金中心电话一直占线。`,
      },
    ],
    replies: [
      () => `经与住房公积金中心核实，无房职工租房提取可以提供个人无房声明按月提取，无需租赁合同备案。已电话告知诉求人具体办理方式。`,
      () => `经查，诉求人的提取申请因银行账户信息有误退回。公积金中心已联系诉求人更正账户，款项已于次日到账。`,
    ],
    questions: [(c) => `${c.r.pick([`我在${c.p.street.name}租房住`, '我准备买一套二手房', '我上个月刚退休', '我离职快半年了', '家里老房子要大修'])}，想问${c.r.pick(['公积金怎么提取', '提取公积金需要什么材料', '提取后多久能到账', '能不能在手机上办'])}？`],
    window: { matters: ['住房公积金租房提取', '住房公积金离职销户提取'], halls: ['市民中心公积金窗口'], reasons: ['documents', 'it_system', 'policy'] },
  },
  {
    path: '交通/公共交通/公交线路调整',
    weight: 2,
    types: [['suggestion', 3], ['complaint', 1]],
    placed: true,
    noun: '公交线路',
    demands: [
      {
        title: (c) => `建议${c.one('bus', BUSES)}延伸至${c.p.compound}`,
        content: (c) => `${c.p.street.name}${c.p.compound}一带新入住了好几千户居民，最近的公交站要走二十分钟，建议把${c.one('bus', BUSES)}延伸过来，或者新开一条社区微循环公交。`,
      },
      {
        title: (c) => `${c.p.road}公交站撤销不便`,
        content: (c) => `${c.p.road}的公交站最近撤销了，没有任何提前通知，附近${c.p.compound}很多老人要去${c.p.landmark}，现在要多走一站路，希望恢复站点。`,
      },
    ],
    replies: [
      (c) => `经市交通委员会与公交集团研究，${c.p.compound}周边客流已纳入本季度线网优化方案，拟于下月开通社区微循环线路，具体开通时间将通过公交集团公众号发布。已告知诉求人。`,
      (c) => `经核实，${c.p.road}站点因道路施工临时撤销，施工结束后将恢复设站。公交集团已在原站位张贴临时停靠说明。已向诉求人解释。`,
    ],
  },
  {
    path: '交通/公共交通/公交服务质量',
    weight: 2,
    types: [['complaint', 4]],
    placed: true,
    noun: '公交服务',
    demands: [
      {
        title: (c) => `${c.one('bus', BUSES)}司机不进站停靠`,
        content: (c) => `${c.date}早上七点四十左右，${c.one('bus', BUSES)}公交车在${c.p.road}站没有进站，直接开走了，站台上等了十几个人，很多是赶着上学的学生，这种情况已经不是第一次了。`,
      },
      {
        title: (c) => `${c.one('bus', BUSES)}发车间隔过长`,
        content: (c) => `${c.one('bus', BUSES)}晚高峰在${c.p.road}站经常要等四十多分钟才来一辆，站牌上写的是十五分钟一班，希望公交公司按时发车。`,
      },
    ],
    replies: [
      () => `经公交集团调取车载视频核实，当班驾驶员存在越站行为，已按企业规定对其进行处罚并组织再培训。公交集团向诉求人致歉。已告知诉求人。`,
      () => `公交集团已对该线路晚高峰运力进行调整，增加两部车辆，发车间隔缩短至十二分钟左右。已向诉求人反馈。`,
    ],
  },
  {
    path: '交通/出租车与网约车/拒载绕路',
    weight: 2,
    types: [['complaint', 4]],
    placed: true,
    noun: '出租车',
    demands: [
      {
        title: (c) => `出租车在${c.p.landmark}拒载`,
        content: (c) => `${c.date}晚上在${c.p.landmark}打车，一辆出租车问了目的地后说不顺路拒绝载客，还态度恶劣，车牌号已记下，请依法处理。`,
      },
      {
        title: () => `网约车绕路多收费`,
        content: (c) => `从${c.p.road}坐网约车去火车站，平时三十块左右，这次司机故意绕路收了${yuan(c, 60, 90, 1)}，在平台投诉后只退了五块钱，希望主管部门处理。`,
      },
    ],
    replies: [
      () => `经市交通委员会执法支队调查，涉事出租车驾驶员拒载属实，已依法对其作出罚款处理并扣减服务质量信誉考核分。已告知诉求人。`,
      () => `经约谈网约车平台公司，平台已核实行程轨迹存在绕路情况，向诉求人全额退还多收车费，并对驾驶员作出停止派单处理。已向诉求人反馈。`,
    ],
  },
  {
    path: '交通/道路交通/交通信号灯',
    weight: 2,
    types: [['suggestion', 2], ['help', 2]],
    placed: true,
    noun: '红绿灯',
    demands: [
      {
        title: (c) => `${c.p.road}与${c.p.cross}路口信号灯故障`,
        content: (c) => `${c.p.road}与${c.p.cross}交叉口的红绿灯一直闪黄灯，早高峰车辆和行人抢行，非常危险，请尽快修复。`,
      },
      {
        title: (c) => `建议延长${c.p.road}人行绿灯时间`,
        content: (c) => `${c.p.road}靠近${c.p.landmark}的人行横道绿灯只有十几秒，老人和带孩子的家长走不到一半就变红灯了，建议延长行人绿灯时间。`,
      },
    ],
    replies: [
      (c) => `经交警部门核查，${c.p.road}路口信号机控制板故障，已于${c.date}更换，信号灯恢复正常运行。已告知诉求人。`,
      () => `交警部门已对该人行横道的信号配时进行优化，行人绿灯时间由15秒延长至25秒。已向诉求人反馈。`,
    ],
  },
  {
    path: '交通/道路交通/停车管理',
    weight: 3,
    types: [['complaint', 3], ['report', 1]],
    placed: true,
    noun: '乱停车',
    demands: [
      {
        title: (c) => `${c.p.road}车辆乱停堵塞消防通道`,
        content: (c) => `${c.p.compound}门口的${c.p.road}每天晚上两边停满了车，连消防通道都被堵了，上次救护车进不来，只能停在路口，希望加强管理。`,
      },
      {
        title: (c) => `${c.p.landmark}周边僵尸车`,
        content: (c) => `${c.p.landmark}旁边有${c.r.int(2, 5)}辆车停了${dur(c)}没动过，车上积满了灰，轮胎都瘪了，占用了公共车位，请清理。`,
      },
    ],
    replies: [
      (c) => `我街道已会同交警中队在${c.p.road}施划禁停标线并设置消防通道警示标识，对违停车辆进行了集中劝离和贴单处理，并协调${c.p.landmark}周边夜间错时开放停车位。已告知诉求人。`,
      () => `经排查，涉及车辆均为长期停放车辆。已联系车主挪走两辆，另外联系不上车主的车辆已张贴限期挪车告知书，逾期将依法拖移。已向诉求人反馈。`,
    ],
  },
  {
    path: '交通/道路交通/交通违法处理',
    weight: 2,
    types: [['consult', 4], ['complaint', 1]],
    placed: false,
    noun: '违章处理',
    demands: [
      {
        title: () => `对电子警察抓拍有异议`,
        content: (c) => `${c.date}前后我在${c.p.road}被电子警察拍了闯红灯，但当时是为了避让救护车，想申请复核，不知道该怎么操作。`,
      },
      {
        title: (c) => `${c.p.road}违停抄牌有异议`,
        content: (c) => `${c.r.pick(['昨天', '上周三', '前几天'])}在${c.p.road}${c.p.landmark}门口临时停车下去取药，不到五分钟就被贴了罚单，那里没有任何禁停标志，想申请撤销处罚。`,
      },
    ],
    replies: [() => `经交警部门核实，诉求人可通过交管12123 App提交复核申请并上传行车记录仪视频，交警部门将在规定时限内审核。已电话告知诉求人具体操作步骤。`],
    questions: [(c) => `${c.r.pick(['我的车', '家里的车', '我开的外地牌照的车'])}${c.r.pick([`上周在${c.p.road}好像被拍了`, '收到短信说有违章', '不知道有没有违章没处理'])}，请问${c.r.pick(['怎么查询违章', '能不能在网上处理', '可以在本地交罚款吗'])}？`],
  },
  {
    path: '市场监管/消费维权/预付卡退费',
    weight: 3,
    types: [['complaint', 4], ['consult', 1]],
    placed: true,
    noun: '预付卡退费',
    demands: [
      {
        title: (c) => `${c.p.road}${c.one('salon', SALONS).slice(2)}关门无法退费`,
        content: (c) => `我在${c.p.road}${c.one('salon', SALONS)}办了${yuan(c, 2000, 8000)}的会员卡，还剩一大半没用，店铺突然关门了，老板电话也打不通，门上贴着“装修暂停营业”，很多会员都联系不上商家。`,
      },
      {
        title: () => `培训机构拒绝退费`,
        content: (c) => `给孩子在${c.p.landmark}附近报了一个培训班，一次交了${yuan(c, 6000, 15000, 500)}，上了几节课觉得不合适想退，机构以合同约定为由拒绝退任何费用。`,
      },
    ],
    replies: [
      () => `经市场监管所核查，该商户已停业，负责人已联系上。经组织调解，商家同意分期退还剩余预付款，首期款项已退还。已告知诉求人。`,
      () => `市场监管部门组织双方调解，培训机构同意按未消课时扣除合理费用后退费，诉求人已收到退款。`,
    ],
    questions: [(c) => `${c.p.road}的${c.one('salon', SALONS).slice(2)}${c.r.pick(['突然关门了', '老板联系不上', '要求转卡到别的门店才能用'])}，卡里还有${yuan(c, 800, 6000)}，请问${c.r.pick(['怎么退钱', '要准备什么材料', '找哪个部门投诉'])}？`],
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
        content: (c) => `${c.date}在${c.p.road}一家超市买的${c.r.pick(['牛奶', '面包', '酸奶', '速冻水饺'])}，回家发现已经过期${c.r.int(3, 20)}天，找超市退换，店员态度很差只肯退钱不肯按规定赔偿。`,
      },
    ],
    replies: [() => `经市场监管所调解，商家同意为诉求人办理退货退款，款项已原路退回。已告知诉求人。`, () => `经检测确属产品质量问题，商家已为诉求人更换新品并承担往返运费。`],
  },
  {
    path: '市场监管/食品安全/餐饮卫生',
    weight: 3,
    types: [['complaint', 3], ['report', 2]],
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
        content: (c) => `我在${c.p.road}开了一家${c.r.pick(['便利店', '小超市', '水果店', '茶叶店'])}，想把个体工商户营业执照的经营范围加上${c.r.pick(['餐饮', '预包装食品销售', '烟草零售'])}，在网上提交了${c.r.int(2, 4)}次都被退回，每次退回的理由都不一样，希望能一次性告知需要补什么材料。`,
      },
      {
        title: () => `公司注销流程反复退回`,
        content: (c) => `${c.r.pick(['我们的小公司', '家里的个体店', '朋友的合伙企业'])}想办注销，网上提交了简易注销申请，公示期满后又被告知还要先去税务清税，来回跑了好几次，希望能说清楚完整流程。`,
      },
    ],
    replies: [() => `市场监管局登记窗口已电话联系诉求人，一次性告知经营范围变更所需材料，并协助其在网上完成申报，现已办结。`],
    questions: [(c) => `我想在${c.p.street.name}开一家${c.r.pick(['小吃店', '便利店', '理发店', '花店', '五金店', '奶茶店'])}，请问${c.r.pick(['营业执照在哪里办，需要多长时间', '个体户执照可以网上办吗', '需要准备哪些材料', '电子营业执照怎么下载'])}？`],
    window: { matters: ['个体工商户营业执照变更', '公司设立登记'], halls: ['市政务服务中心市场监管窗口'], reasons: ['documents', 'process', 'it_system'] },
  },
  {
    path: '政务服务/办事咨询/居住证办理',
    weight: 2,
    types: [['consult', 4]],
    placed: false,
    noun: '居住证',
    demands: [
      {
        title: () => `居住证办理超期未发`,
        content: (c) => `${c.r.pick(['一个多月前', '五周前', '上上个月底'])}在${c.p.street.name}派出所申请了居住证，说十五个工作日发证，到现在还没有拿到，${c.r.pick(['孩子上学登记', '办理积分落户', '申请公租房'])}急需使用。`,
      },
      {
        title: (c) => `${c.p.street.name}派出所居住证受理难`,
        content: (c) => `在${c.p.street.name}租房${c.r.pick(['一年多', '两年', '八个月'])}，去派出所办居住证，窗口说房东没有办理租赁登记不能受理，房东在外地回不来，请问还有什么办法？`,
      },
    ],
    replies: [() => `经核实，该居住证因照片质量问题退回重新制作，现已制证完毕，派出所已电话通知诉求人领取。`],
    questions: [(c) => `${c.r.pick(['我来江州工作半年了', `我在${c.p.street.name}租房一年多`, '孩子明年要上小学', '我的居住证下个月到期'])}，请问${c.r.pick(['居住证要什么材料', '居住证在哪里办', '居住证怎么续签，可以网上办吗', '办居住证要多长时间'])}？`],
    window: { matters: ['居住证申领'], halls: ['派出所户籍窗口', '区政务服务中心公安窗口'], reasons: ['documents', 'process'] },
  },
  {
    path: '政务服务/办事咨询/户籍业务',
    weight: 2,
    types: [['consult', 3], ['help', 1]],
    placed: false,
    noun: '户籍业务',
    demands: [
      {
        title: () => `新生儿落户材料咨询`,
        content: (c) => `孩子${c.r.pick(['上个月', '两个月前', '刚'])}出生，想在${c.p.street.name}办理落户，${c.r.pick(['父母一方是外地户口', '我们是集体户口', '孩子在外地出生'])}，派出所说要提供很多证明，想问清楚到底需要哪些材料，能不能网上办理。`,
      },
      {
        title: () => `户口迁移手续反复跑`,
        content: (c) => `办理户口迁入已经跑了${c.r.int(3, 5)}趟，每次都说缺材料，第一次说要${c.r.pick(DOCS)}，第二次又说要别的，希望能一次说清楚。`,
      },
    ],
    replies: [() => `派出所户籍民警已电话联系诉求人，一次性告知所需材料清单，并预约了办理时间，诉求人已顺利办结。`],
    window: { matters: ['户口迁入', '新生儿落户'], halls: ['派出所户籍窗口'], reasons: ['documents', 'process', 'policy'] },
  },
  {
    path: '政务服务/办不成事/窗口服务',
    weight: 3,
    types: [['complaint', 4]],
    placed: false,
    noun: '窗口服务',
    demands: [
      {
        title: () => `政务大厅窗口排队时间长`,
        content: (c) => `${c.date}上午到政务服务中心办事，取号后等了两个多小时，十几个窗口只开了三个，工作人员说系统慢，办事群众意见很大。`,
      },
      {
        title: () => `窗口工作人员推诿`,
        content: (c) => `到大厅办理${c.r.pick(['不动产登记', '社保转移', '企业年报补报', '医保报销'])}，窗口工作人员说不归他们管，让去别的窗口，别的窗口又让回来，来回跑了三趟没有办成。`,
      },
    ],
    replies: [
      () => `市政务服务管理局已调取当日排队数据，确属系统升级导致办理变慢。现已增开高峰时段弹性窗口，并实行“办不成事”专窗兜底。已向诉求人致歉并说明。`,
      () => `经核实，窗口人员首问负责落实不到位。政务服务管理局已对相关人员进行批评教育，并安排专人协助诉求人于次日办结了该事项。`,
    ],
    window: {
      matters: ['不动产登记', '社保关系转移', '企业年报补报', '医保异地报销备案'],
      halls: ['市政务服务中心综合窗口', '区政务服务中心不动产窗口', '区政务服务中心社保窗口'],
      reasons: ['attitude', 'process', 'it_system', 'other'],
    },
  },
  {
    path: '政务服务/办不成事/办事流程',
    weight: 3,
    types: [['complaint', 3], ['suggestion', 1]],
    placed: false,
    noun: '办事流程',
    demands: [
      {
        title: () => `事项要求重复提交材料`,
        content: (c) => `办理${c.r.pick(['二手房过户', '企业开办', '老年人优待证', '残疾人补贴'])}时，要求提供的${c.r.pick(DOCS)}，系统里明明可以查到，还要自己跑去开证明，建议打通数据减少证明材料。`,
      },
      {
        title: () => `网上办事系统无法提交`,
        content: (c) => `在政务服务网上办理${c.r.pick(['企业开办', '社保关系转移', '不动产登记预约', '老年人优待证'])}，最后一步提交时一直提示“系统繁忙”，试了${c.r.pick(['好几天', '一个星期', '三四次'])}都不行，打窗口电话说只能网上办，事情办不成。`,
      },
    ],
    replies: [
      () => `市政务服务管理局已将该证明事项纳入数据共享清单，窗口可通过系统核验，无需群众自行开具。已协助诉求人完成办理，并已告知。`,
      () => `经排查，系电子签章接口故障所致，已于当日修复。工作人员已电话指导诉求人重新提交，现已受理。`,
    ],
    window: {
      matters: ['二手房过户', '企业开办', '老年人优待证办理', '残疾人两项补贴申请'],
      halls: ['市政务服务中心综合窗口', '区政务服务中心民政窗口', '区政务服务中心不动产窗口'],
      reasons: ['documents', 'process', 'policy', 'it_system'],
    },
  },
  {
    path: '政务服务/干部作风/工作人员作风',
    weight: 1,
    types: [['complaint', 3], ['report', 1]],
    placed: false,
    noun: '工作作风',
    demands: [
      {
        title: () => `办事人员态度恶劣`,
        content: (c) => `${c.date}到${c.r.pick(['街道便民服务中心', '区不动产登记中心', '社保经办大厅'])}咨询业务，工作人员一边玩手机一边回答，问多了就不耐烦，还说“看不懂就别来办”。`,
      },
      {
        title: () => `工作人员上班时间离岗`,
        content: (c) => `${c.date}${c.r.pick(['上午十点', '下午两点多', '下午三点'])}到${c.r.pick(['街道便民服务中心', '区政务服务中心', '社区服务站'])}办事，窗口挂着“暂停服务”的牌子，等了四十多分钟没有人回来，问旁边窗口也说不清人去了哪里。`,
      },
    ],
    replies: [() => `经调查核实，该工作人员服务态度生硬属实，所在单位已对其进行诫勉谈话并调离窗口岗位，单位负责人已向诉求人致歉。`],
  },
  {
    path: '政务服务/干部作风/廉政问题线索',
    weight: 0.5,
    types: [['report', 1]],
    placed: false,
    noun: '举报',
    demands: [
      {
        title: () => `举报工作人员吃拿卡要`,
        content: (c) => `反映${c.r.pick(['某区审批窗口', '某街道办事处', '某经办单位'])}一名工作人员在办理${c.r.pick(['审批', '补贴申请', '施工许可'])}时暗示需要“意思意思”，否则材料一直不予通过，本人不愿透露姓名，请有关部门核查。`,
      },
      {
        title: () => `举报违规收取费用`,
        content: (c) => `反映${c.r.pick(['某社区', '某村委会', '某物业主管部门'])}在办理${c.r.pick(['低保申请', '宅基地审批', '装修备案'])}时要求群众另交“材料费”“服务费”，不给收据，本人要求对身份保密。`,
      },
    ],
    replies: [() => `已按规定将线索移送纪检监察机关处理，处理结果将按程序反馈。`],
  },
  {
    path: '劳动保障/劳动关系/拖欠工资',
    weight: 4,
    types: [['complaint', 3], ['help', 2]],
    placed: true,
    noun: '欠薪',
    demands: [
      {
        title: (c) => `${c.one('employer', EMPLOYERS)}拖欠工资`,
        content: (c) => `我在${c.one('employer', EMPLOYERS)}（${c.p.road}附近）上班，公司已经${c.r.pick(['两个月', '三个月', '四个月'])}没发工资了，一共欠我${yuan(c, 9000, 26000)}，老板一直说资金周转不过来，现在干脆联系不上了，同样被欠薪的还有十几个工友。`,
      },
      {
        title: () => `工地农民工讨薪`,
        content: (c) => `我们在${c.p.site}干活，包工头说总包单位没给钱，已经欠了我们${c.num('workers', 8, 30)}个人的工资，家里都等着这笔钱用。`,
      },
    ],
    replies: [
      () => `区劳动保障监察大队已立案调查，约谈企业负责人，企业已于规定期限内向诉求人及其他工友支付被拖欠的工资。已电话告知诉求人。`,
      (c) => `经人社部门协调，总包单位已通过农民工工资专用账户将拖欠的工资直接支付到工人银行卡，涉及${c.num('workers', 8, 30)}人。已向诉求人反馈。`,
    ],
    questions: [(c) => `${c.one('employer', EMPLOYERS)}${c.r.pick(['两个月', '三个月', '快半年'])}没发工资了，请问${c.r.pick(['应该去哪里投诉', '需要准备什么证据', '可以申请劳动仲裁吗'])}？`],
    extension: ['企业负责人失联，已申请法院支付令，需等待法院程序，申请延长办理时限。', '涉及人数较多，需逐一核对考勤和工资台账，申请延期。'],
  },
  {
    path: '劳动保障/劳动关系/劳动合同纠纷',
    weight: 2,
    types: [['complaint', 3], ['consult', 1]],
    placed: false,
    noun: '劳动合同',
    demands: [
      {
        title: () => `单位不签劳动合同`,
        content: (c) => `我在${c.one('employer', EMPLOYERS)}入职已经${c.r.pick(['八个月', '快一年', '半年多'])}了，单位一直不和我签劳动合同，也不缴社保，提了几次就说再等等，现在又要调我去外地，不去就让我走人。`,
      },
      {
        title: () => `被违法辞退无补偿`,
        content: (c) => `${c.one('employer', EMPLOYERS)}以业务调整为由口头通知我明天不用来上班了，没有任何补偿，我在公司干了${c.r.pick(['三年多', '五年', '两年'])}，请问这种情况应该怎么维权。`,
      },
    ],
    replies: [() => `人社部门已电话联系诉求人，告知可向劳动人事争议仲裁委员会申请仲裁，并指导其准备证据材料。劳动监察大队已责令该单位补签劳动合同、补缴社保。`],
  },
  {
    path: '劳动保障/社会保险/社保卡业务',
    weight: 2,
    types: [['consult', 4], ['help', 1]],
    placed: false,
    noun: '社保卡',
    demands: [
      {
        title: () => `社保卡补办后无法使用`,
        content: (c) => `${c.r.pick(['上个月', '前段时间', '两周前'])}社保卡丢了，在银行补办了新卡，但是到${c.r.pick(['医院', '药店', '社区卫生服务中心'])}刷不了，说卡没有激活医保功能，银行又说不归他们管。`,
      },
      {
        title: () => `老人社保卡领取不便`,
        content: (c) => `家里老人${c.r.int(78, 92)}岁，行动不便，社保卡到期需要换新卡，银行说必须本人到场，请问能不能代办或者上门办理？`,
      },
    ],
    replies: [() => `经核实，该卡医保功能因信息同步延迟未开通，社保经办机构已为其手工开通，诉求人已可正常使用。`],
    questions: [(c) => `${c.r.pick(['我的社保卡丢了', '家里老人的社保卡消磁了', '社保卡的金融功能用不了', '孩子要办社保卡'])}，请问${c.r.pick(['怎么挂失补办', '能不能当天拿到新卡', `${c.p.street.name}附近哪里能办`])}？`],
    window: { matters: ['社保卡补换'], halls: ['区政务服务中心社保窗口'], reasons: ['it_system', 'process'] },
  },
  {
    path: '劳动保障/社会保险/养老保险',
    weight: 2,
    types: [['consult', 4]],
    placed: false,
    noun: '养老保险',
    demands: [
      {
        title: () => `养老金待遇核定有误`,
        content: (c) => `我${c.r.pick(['上个月', '今年年初', '两个月前'])}刚退休，养老金核定下来比同事少了好几百，怀疑缴费年限算错了，以前在${c.r.pick(['外地', '老家', '深圳'])}交过几年社保，不知道有没有转过来。`,
      },
      {
        title: () => `单位未足额缴纳养老保险`,
        content: (c) => `在${c.one('employer', EMPLOYERS)}上班${c.r.pick(['三年', '五年', '两年多'])}，查社保记录发现单位一直按最低基数给我交养老保险，和实际工资差很多，请问这种情况怎么处理？`,
      },
    ],
    replies: [() => `社保经办机构已调取诉求人的参保记录，外地缴费年限尚未转入。已指导其办理转移接续，转入后将重新核定养老金待遇并补发差额。`],
    questions: [(c) => `${c.r.pick(['我是灵活就业人员', '我在外地交过几年社保', '我明年就要退休了', '我刚辞职自己开店'])}，请问${c.r.pick(['养老保险怎么自己交', '一个月最少交多少钱', '缴费年限怎么算', '在哪里办参保登记'])}？`],
  },
  {
    path: '生态环境/噪声污染/施工噪声',
    weight: 4,
    types: [['complaint', 5]],
    placed: true,
    noun: '施工噪音',
    demands: [
      {
        title: (c) => `${c.p.site}夜间施工扰民`,
        content: (c) => `${c.p.site}${night(c)}还在施工，打桩机、渣土车的声音特别大，${c.p.compound}的住户根本睡不着，已经持续${dur(c)}了，家里有高三的孩子，请尽快处理。`,
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
    questions: [(c) => `${c.p.compound}旁边的工地${night(c)}还在施工，请问${c.r.pick(['夜间施工有什么规定', '工地晚上几点必须停工', '夜间施工需要什么手续'])}？`],
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
      (c) => `社区联合派出所民警与广场舞队伍负责人沟通，已约定将音量控制在规定范围内、21时前结束活动，并将活动地点调整到远离住宅的${c.p.landmark}东侧空地。已告知诉求人。`,
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
        content: (c) => `${c.p.road}${c.p.no}号楼下新开了${c.one('shop', SHOPS)}，油烟管道直接对着居民楼，每天中午和晚上油烟味特别大，窗户都不敢开，晾的衣服全是油味。`,
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
  {
    path: '公用事业/供水/停水',
    weight: 3,
    types: [['help', 4], ['complaint', 1]],
    placed: true,
    noun: '停水',
    demands: [
      {
        title: (c) => `${c.p.compound}突然停水`,
        content: (c) => `${area(c)}从${c.r.pick(['今天早上', '昨天晚上', '中午'])}开始突然停水，没有看到任何停水通知，家里老人孩子做饭洗漱都没水，请问什么时候能恢复。`,
      },
      {
        title: (c) => `${c.p.compound}水压低`,
        content: (c) => `${c.p.compound}${c.p.building}高层住户这${dur(c)}水压特别低，热水器都打不着火，白天基本没水，晚上十一点以后才有一点。`,
      },
    ],
    replies: [
      (c) => `经查，${c.p.compound}停水系${c.p.road}供水管道爆管抢修所致。供水企业已于${c.date}完成抢修，恢复正常供水，并对未及时发布通知的情况向用户致歉。已告知诉求人。`,
      (c) => `供水企业已对${c.p.compound}二次供水加压泵进行检修，更换了故障变频器，高层水压已恢复正常。已向诉求人反馈。`,
    ],
    questions: [(c) => `${area(c)}${c.r.pick(['停水了', '水压很小', '突然没水了', '说是要计划停水'])}，请问${c.r.pick(['哪里能查到停水通知', '什么时候能恢复供水', '停水会提前多久通知'])}？`],
  },
  {
    path: '公用事业/供水/水质问题',
    weight: 2,
    types: [['complaint', 3], ['help', 1]],
    placed: true,
    noun: '水质',
    demands: [
      {
        title: (c) => `${c.p.compound}自来水发黄`,
        content: (c) => `${c.p.compound}的自来水这几天打开水龙头是黄色的，放了很久才变清，烧开后水壶底下有很多沉淀，不敢喝，请检测一下水质。`,
      },
      {
        title: (c) => `${c.p.compound}二次供水水箱不清洗`,
        content: (c) => `${c.p.compound}的二次供水水箱${c.r.pick(['一年多', '两年', '好几年'])}没有清洗过了，自来水有一股怪味，物业说清洗要业主分摊费用，请供水部门督促检查。`,
      },
    ],
    replies: [(c) => `供水企业于接单当日到${c.p.compound}取样检测，水质各项指标符合国家标准，浑浊系管网冲洗后铁锈扰动所致。已对小区管网进行排放冲洗，已向诉求人解释。`],
  },
  {
    path: '公用事业/供电/停电',
    weight: 2,
    types: [['help', 4]],
    urgency: [['urgent', 1], ['normal', 3]],
    placed: true,
    noun: '停电',
    demands: [
      {
        title: (c) => `${c.p.compound}频繁停电`,
        content: (c) => `${c.p.compound}这${dur(c)}已经停了好几次电，每次几个小时，冰箱里的东西都坏了，供电公司说是线路老化，一直没有彻底解决。`,
      },
      {
        title: (c) => `${c.p.road}施工挖断电缆停电`,
        content: (c) => `${c.p.road}${c.r.pick(['今天上午', '昨天下午', '中午'])}有施工队挖断了电缆，${c.p.compound}一带全部停电，到现在已经${c.r.int(4, 9)}个小时，家里有老人用制氧机，请尽快抢修。`,
      },
    ],
    replies: [(c) => `经区政府协调供电企业，${c.p.compound}小区老旧配电线路已纳入改造计划，供电企业已先行更换故障电缆分支箱，近期未再出现停电。已告知诉求人。`],
    questions: [(c) => `${c.p.compound}${c.p.building}${c.r.pick(['整栋楼停电了', '家里突然没电了，邻居家也没电', '这一片都停电了'])}，请问${c.r.pick(['找谁报修', '有没有计划停电通知', '大概多久能来电'])}？`],
    extension: ['配电线路改造需要停电施工，须提前发布停电公告并与小区协商时间，申请延长办理时限。'],
  },
  {
    path: '公用事业/供气/燃气服务',
    weight: 2,
    types: [['help', 3], ['complaint', 1]],
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
    questions: [(c) => `${c.p.compound}家里${c.r.pick(['厨房', '热水器旁边', '燃气表那里'])}闻到一点煤气味，但是很淡，请问${c.r.pick(['应该怎么处理', '燃气公司的抢修电话是多少', '需要先关总阀吗'])}？`],
  },
  {
    path: '公用事业/供暖/供暖不热',
    weight: 5,
    types: [['complaint', 4], ['help', 1]],
    placed: true,
    noun: '暖气',
    months: [11, 12, 1, 2, 3],
    demands: [
      {
        title: (c) => `${c.p.compound}暖气不热`,
        content: (c) => `${c.p.compound}${c.p.building}家里暖气片摸着只有温乎乎的，室内温度只有十四五度，家里有八十多岁的老人和婴儿，打供热公司电话一直说在排查。`,
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
    questions: [(c) => `${c.p.compound}${c.r.pick(['暖气不太热', '还没开始供暖', '暖气片有一组不热', '家里只有十六度'])}，请问${c.r.pick(['今年什么时候开始供暖', '暖气不热打哪个电话', '供热公司会上门测温吗', '室温多少度算达标'])}？`],
  },
];

// ---- the unit's and the centre's words outside the demand ------------------------------------------

/** Why a unit asks to give the ticket back, by what was wrong with the dispatch. */
export const RETURN_REASONS = [
  '经核实，该诉求涉及的是小区内部产权纠纷，不属于本单位职责范围，建议改派属地街道。',
  '诉求反映的地点不在本辖区，经现场核实位于相邻街道，请中心改派。',
  '该事项属于行业主管部门的审批职责，本单位无权处理，建议改派市级主管部门。',
];
export const TERMINATION_REASONS = [
  '诉求人来电表示问题已经自行解决，要求撤回诉求。',
  '诉求人要求超出现行政策规定，已多次当面解释，诉求人仍坚持原要求，申请终止办理。',
  '诉求事项已进入诉讼程序，按规定申请终止办理。',
];
export const CONTACT_SUMMARIES = [
  '已电话联系诉求人，了解具体情况，约定上门查看时间。',
  '已电话联系诉求人核实诉求内容，告知办理流程和预计时间。',
  '工作人员已到现场并与诉求人面谈，确认了问题位置。',
  '已联系诉求人，诉求人表示情况属实，希望尽快处理。',
];
export const NOTES = ['已安排人员现场查看，正在协调处理。', '已与相关责任单位对接，等待对方回复。', '现场已初步处置，后续跟进中。'];
export const REJECT_REPLY_REASONS = ['答复内容未说明具体处理结果和时间，请补充后重新答复。', '答复未写明是否已与诉求人沟通，请核实后补充。'];
export const GENERIC_EXTENSION = ['需协调多个部门共同处理，申请延长办理时限。', '需等待第三方检测结果，申请延长办理时限。'];
/** Calls outside the hotline's scope (不予受理), each under the category the operator filed it in. */
export const NOT_ACCEPTED = [
  { category: '劳动保障/劳动关系/劳动合同纠纷', content: '诉求人对劳动人事争议仲裁委员会作出的裁决不服，要求热线撤销仲裁结果并重新处理。', reason: '属于仲裁和司法程序事项，已告知诉求人可在法定期限内向人民法院起诉，不予受理。' },
  { category: '住房/物业管理/物业收费', content: '诉求人与物业公司的物业费纠纷已被物业公司起诉至法院，要求热线让物业公司撤诉。', reason: '该纠纷已进入诉讼程序，已告知诉求人依法应诉，不予受理。' },
  { category: '政务服务/办事咨询/户籍业务', content: '诉求人要求热线为其出具与已故父亲的亲属关系证明，用于办理继承手续。', reason: '热线不出具证明材料，已告知诉求人到公证机构或户籍所在地派出所办理，不予受理。' },
];
/** Emergencies the operator transfers at once (三方通话), each under the category it was filed in. */
export const EMERGENCIES = [
  {
    category: '公用事业/供气/燃气服务',
    line: '119' as const,
    content: (c: Ctx) => `${c.p.compound}${c.p.building}楼道里燃气味非常浓，邻居家敲门没人应，担心是燃气泄漏，请马上派人来。`,
    note: '疑似燃气泄漏，已三方通话转119，并同步通知燃气企业抢修。',
  },
  {
    category: '交通/道路交通/交通信号灯',
    line: '122' as const,
    content: (c: Ctx) => `${c.p.road}与${c.p.cross}路口的红绿灯不亮，刚刚两辆车撞在一起，有人受伤，车堵在路中间。`,
    note: '交通事故有人员受伤，已转122并提示拨打120。',
  },
  {
    category: '住房/物业管理/电梯故障',
    line: '119' as const,
    content: (c: Ctx) => `${c.p.compound}${c.p.building}的电梯困人，里面有位老人说胸口闷，物业电话打了半小时没人来。`,
    note: '电梯困人且有人身体不适，已转119，并通知物业和电梯维保单位。',
  },
  {
    category: '生态环境/噪声污染/社会生活噪声',
    line: '110' as const,
    content: (c: Ctx) => `${c.p.compound}${c.p.building}楼上住户深夜吵架摔东西，听到有人喊救命。`,
    note: '可能涉及人身安全，已转110。',
  },
];

/** What callers say at callback, by how it went; `noun` names their matter. */
export function callbackComment(r: Rng, noun: string, outcome: 'satisfied' | 'basic' | 'partly' | 'dissatisfied' | 'unsolved'): string {
  const by: Record<typeof outcome, string[]> = {
    satisfied: [`${noun}的问题已经解决了，办得很快，谢谢。`, `单位的人上门来看过，${noun}已经处理好了，很满意。`, '问题解决了，工作人员态度也很好。'],
    basic: [`${noun}基本处理了，就是时间拖得有点长。`, '已经解决，但是中间联系得不够及时。'],
    partly: [`${noun}处理了一部分，还没有完全解决，希望继续跟进。`, '暂时好了，担心过段时间又会反复。'],
    dissatisfied: [`${noun}的问题根本没有解决，只是打电话解释了一下。`, '单位说已经处理了，但现场跟原来一样，对答复不满意。', '答复说的情况和实际不符，没人来现场看过。'],
    unsolved: [`${noun}还是老样子，没有任何变化。`, '说是处理了，实际上第二天又恢复原样了。'],
  };
  return r.pick(by[outcome]);
}

/** Surnames by frequency (roughly), for callers. */
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '袁', '潘', '蒋', '蔡', '余', '杜', '叶', '程', '魏', '苏', '吕', '丁', '沈', '任', '姚'];
const GIVEN_M = ['建国', '志强', '海涛', '国平', '伟', '俊杰', '明', '立新', '浩然', '宇航', '德华', '振华', '文博', '子轩'];
const GIVEN_F = ['秀英', '丽华', '静', '敏', '晓燕', '桂兰', '雪梅', '婷婷', '佳怡', '慧', '玉珍', '欣然', '春燕', '梦瑶'];
/** Mobile prefixes of the three carriers. */
const PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156', '157', '158', '159', '166', '170', '173', '176', '177', '180', '181', '182', '183', '185', '186', '187', '188', '189', '191', '198', '199'];

export type Caller = { name: string; phone: string };

/** A caller as operators record them: mostly 王女士 / 李先生, sometimes a full name. */
export function newCaller(r: Rng): Caller {
  const surname = r.pick(SURNAMES);
  const female = r.chance(0.48);
  const name = r.chance(0.7) ? `${surname}${female ? '女士' : '先生'}` : `${surname}${r.pick(female ? GIVEN_F : GIVEN_M)}`;
  let digits = '';
  for (let i = 0; i < 8; i++) digits += String(r.int(0, 9));
  return { name, phone: `${r.pick(PREFIXES)}${digits}` };
}
