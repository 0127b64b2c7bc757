/**
 * Demo data for the fictional city 江州市: unit tree, staff accounts, category tree, knowledge base,
 * the 2025–2026 working-day calendar and working hours. Plain data only: nothing in the application
 * special-cases it. Idempotent: does nothing when the centre unit already exists.
 */
import { libraryDays } from '../src/domain/calendar/library.ts';
import { eq, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { apiTokens, calendarDays, calendarYears, categories, kbArticles, units, users, workingHours } from './schema/index.ts';
import { hashPassword } from '../src/domain/auth/password.ts';
import { hashToken } from '../src/domain/auth/tokens.ts';
import { documentTerms } from '../src/domain/kb/search-terms.ts';
import { seedRouting } from './seed-routing.ts';
import { installPreset } from '../src/domain/sla/policies.ts';
import { findPreset } from '../src/domain/sla/presets.ts';
import type { Role, UnitKind } from '../src/domain/vocab.ts';

export const DEMO_PASSWORD = 'Demo@12345';
export const DEMO_API_TOKEN = 'jst_demo_online_portal_0000000000000000';

// ─── Units ───────────────────────────────────────────────────────────────────────────────────────

type CommunitySeed = { code: string; name: string };
type StreetSeed = { code: string; name: string; communities: CommunitySeed[] };
type DistrictSeed = { code: string; name: string; department: { code: string; name: string }; streets: StreetSeed[] };

const CENTRE = { code: 'centre', name: '江州市12345热线服务中心' };

const DISTRICTS: DistrictSeed[] = [
  {
    code: 'd-dongcheng',
    name: '东城区',
    department: { code: 'dep-dongcheng-cgj', name: '东城区城市管理局' },
    streets: [
      {
        code: 's-donghua',
        name: '东华街道',
        communities: [
          { code: 'cm-donghua-xiangyang', name: '向阳社区' },
          { code: 'cm-donghua-jinqiao', name: '金桥社区' },
          { code: 'cm-donghua-minzhu', name: '民主社区' },
        ],
      },
      {
        code: 's-chaoyangmen',
        name: '朝阳门街道',
        communities: [
          { code: 'cm-chaoyangmen-dongsi', name: '东四社区' },
          { code: 'cm-chaoyangmen-lumi', name: '禄米社区' },
        ],
      },
      {
        code: 's-hepingli',
        name: '和平里街道',
        communities: [
          { code: 'cm-hepingli-qingnian', name: '青年湖社区' },
          { code: 'cm-hepingli-xinghua', name: '兴化社区' },
        ],
      },
      {
        code: 's-qinglong',
        name: '青龙镇',
        communities: [
          { code: 'cm-qinglong-qinglongcun', name: '青龙村' },
          { code: 'cm-qinglong-shiqiao', name: '石桥村' },
        ],
      },
    ],
  },
  {
    code: 'd-xihu',
    name: '西湖区',
    department: { code: 'dep-xihu-cgj', name: '西湖区城市管理局' },
    streets: [
      {
        code: 's-hubin',
        name: '湖滨街道',
        communities: [
          { code: 'cm-hubin-liuying', name: '柳营社区' },
          { code: 'cm-hubin-qingbo', name: '清波社区' },
          { code: 'cm-hubin-yuewang', name: '岳王社区' },
        ],
      },
      {
        code: 's-liulang',
        name: '柳浪街道',
        communities: [
          { code: 'cm-liulang-wenying', name: '闻莺社区' },
          { code: 'cm-liulang-chunxiao', name: '春晓社区' },
        ],
      },
      {
        code: 's-baisha',
        name: '白沙街道',
        communities: [
          { code: 'cm-baisha-shaxi', name: '沙溪社区' },
          { code: 'cm-baisha-binjiang', name: '滨江社区' },
        ],
      },
    ],
  },
  {
    code: 'd-nanshan',
    name: '南山区',
    department: { code: 'dep-nanshan-cgj', name: '南山区城市管理局' },
    streets: [
      {
        code: 's-nanhu',
        name: '南湖街道',
        communities: [
          { code: 'cm-nanhu-huayuan', name: '花园社区' },
          { code: 'cm-nanhu-xinhe', name: '新河社区' },
          { code: 'cm-nanhu-taozhu', name: '桃竹社区' },
        ],
      },
      {
        code: 's-taoyuan',
        name: '桃源街道',
        communities: [
          { code: 'cm-taoyuan-lijing', name: '丽景社区' },
          { code: 'cm-taoyuan-songbai', name: '松柏社区' },
        ],
      },
      {
        code: 's-yunling',
        name: '云岭乡',
        communities: [
          { code: 'cm-yunling-yunshan', name: '云山村' },
          { code: 'cm-yunling-chaling', name: '茶岭村' },
        ],
      },
    ],
  },
];

const CITY_DEPARTMENTS = [
  { code: 'dep-cgw', name: '市城市管理委员会' },
  { code: 'dep-zjw', name: '市住房和城乡建设委员会' },
  { code: 'dep-jtw', name: '市交通委员会' },
  { code: 'dep-scjg', name: '市市场监督管理局' },
  { code: 'dep-zwfw', name: '市政务服务管理局' },
  { code: 'dep-rsj', name: '市人力资源和社会保障局' },
  { code: 'dep-sthj', name: '市生态环境局' },
  { code: 'dep-swj', name: '市水务局' },
];

/** Fictional staff names, handed out in order. */
const PEOPLE = [
  '王磊', '李娜', '刘洋', '陈静', '杨帆', '赵敏', '黄伟', '周婷', '吴昊', '徐丽',
  '孙强', '马超', '朱琳', '胡斌', '郭莉', '何勇', '高翔', '林芳', '罗军', '郑爽',
  '梁宇', '谢萍', '宋涛', '唐雪', '韩冰', '冯刚', '邓洁', '曹阳', '彭飞', '曾悦',
  '肖鹏', '田甜', '董浩', '袁媛', '潘峰', '于倩', '蒋楠', '蔡鑫', '余波', '杜娟',
  '叶青', '程晨', '苏杭', '魏然', '吕博', '丁宁', '任杰', '沈露', '姚远', '卢琪',
  '姜山', '崔颖', '钟鸣', '谭慧', '陆川', '汪洋', '范蕾', '金鑫', '石磊', '廖凯',
  '贾敏', '夏雨', '韦东', '付欣', '方圆', '白雪', '邹力', '孟瑶', '熊伟', '秦岚',
];

// ─── Categories ──────────────────────────────────────────────────────────────────────────────────

type CategorySeed = { name: string; public?: boolean; children?: CategorySeed[] };

const leaf = (name: string, isPublic = true): CategorySeed => ({ name, public: isPublic });

const CATEGORY_TREE: CategorySeed[] = [
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

// ─── Knowledge base ──────────────────────────────────────────────────────────────────────────────

/** `category` is the path of names from level 1 to the leaf. */
const KB_ARTICLES: { title: string; category: [string, string, string]; keywords: string; body: string }[] = [
  {
    title: '居住证办理需要哪些材料',
    category: ['政务服务', '办事咨询', '居住证办理'],
    keywords: '居住证,暂住证,办理材料,流动人口',
    body:
      '在本市居住满半年、有合法稳定就业、合法稳定住所或连续就读条件之一的，可以申领居住证。' +
      '申请人需携带本人居民身份证、近期免冠照片，以及劳动合同或营业执照、房屋租赁合同或房产证明、学籍证明之一。' +
      '可到居住地派出所或社区警务室办理，也可通过江州政务服务网在线预约；材料齐全的，一般15个工作日内发证。',
  },
  {
    title: '社保卡挂失补办流程',
    category: ['劳动保障', '社会保险', '社保卡业务'],
    keywords: '社保卡,挂失,补办,补卡,社会保障卡',
    body:
      '社保卡丢失后请尽快挂失，可通过社保卡服务热线、江州人社App或任一合作银行网点办理临时挂失。' +
      '补办时本人携带居民身份证到社保卡合作银行网点或区社保经办窗口申请，符合即时制卡条件的网点可当场领卡。' +
      '补卡后原卡的社保功能自动失效，金融账户余额需到原发卡银行办理转移。',
  },
  {
    title: '住房公积金提取条件',
    category: ['住房', '住房公积金', '公积金提取'],
    keywords: '公积金,提取,购房,租房,退休',
    body:
      '职工在购买、建造、翻建、大修自住住房，偿还住房贷款本息，无房租赁住房，离休退休，或与单位终止劳动关系满半年未再就业等情形下，可以申请提取住房公积金。' +
      '租房提取每年可办理一次，需提供无房证明或租赁合同。' +
      '大部分业务可通过住房公积金中心网上服务大厅或手机App办理，审核通过后资金一般3个工作日内到账。',
  },
  {
    title: '停水通知在哪里查询',
    category: ['公用事业', '供水', '停水'],
    keywords: '停水,计划停水,停水通知,供水抢修',
    body:
      '计划停水信息会提前24小时在供水企业官网、微信公众号和小区公告栏发布。' +
      '市民可在公众号输入小区名称查询停水范围和恢复时间。' +
      '如遇未通知的突发停水，可能是管网抢修，请留意现场公告；超过通知时间仍未恢复供水的，可再次来电，我们将转供水企业核实处理。',
  },
  {
    title: '机动车交通违法查询方式',
    category: ['交通', '道路交通', '交通违法处理'],
    keywords: '违章,违法,查询,交管12123,罚款,扣分',
    body:
      '机动车交通违法记录可通过"交管12123"手机App、交通安全综合服务管理平台网站查询。' +
      '也可携带行驶证到任一交警违法处理窗口查询。' +
      '对违法记录有异议的，可在App上申请复核，或到违法行为发生地交警大队现场申请。',
  },
  {
    title: '营业执照办理渠道',
    category: ['市场监管', '登记注册', '营业执照办理'],
    keywords: '营业执照,个体工商户,公司注册,开办企业',
    body:
      '个体工商户和企业设立登记可通过江州市企业开办"一网通办"平台全程网上办理，也可到市、区政务服务中心市场监管窗口办理。' +
      '材料齐全、符合法定形式的，一般1个工作日内完成登记。' +
      '申请人可选择领取纸质执照，或直接下载使用电子营业执照。',
  },
  {
    title: '公租房申请条件和流程',
    category: ['住房', '住房保障', '公租房申请'],
    keywords: '公租房,公共租赁住房,保障房,住房困难',
    body:
      '本市户籍住房困难家庭，以及在本市稳定就业的新就业无房职工和外来务工人员，符合收入和住房标准的，可以申请公共租赁住房。' +
      '申请人向户籍地或工作地所在街道（乡镇）提交申请表、身份证明、收入证明和住房情况证明。' +
      '经街道初审、区住房保障部门复审并公示无异议后，纳入轮候名单，按轮候顺序配租。',
  },
  {
    title: '预付卡商家跑路如何退费',
    category: ['市场监管', '消费维权', '预付卡退费'],
    keywords: '预付卡,储值卡,会员卡,退费,商家关门',
    body:
      '请保存好预付卡、消费凭证、合同和聊天记录等证据。' +
      '商家仍在经营的，可先与商家协商退费；协商不成的，可通过12315平台或本热线投诉，由市场监管部门组织调解。' +
      '商家已关门且联系不上的，涉嫌诈骗时可向公安机关报案，也可依法向人民法院起诉。',
  },
  {
    title: '被拖欠工资怎么办',
    category: ['劳动保障', '劳动关系', '拖欠工资'],
    keywords: '欠薪,拖欠工资,讨薪,劳动监察,劳动仲裁',
    body:
      '用人单位拖欠工资的，劳动者可向用工所在地的区劳动保障监察机构投诉，也可以通过本热线反映。' +
      '投诉时请提供单位名称、地址、欠薪时间段和金额，以及劳动合同、考勤记录、工资条等证据。' +
      '属于劳动争议的，也可向劳动人事争议仲裁委员会申请仲裁，仲裁不收费。',
  },
  {
    title: '停电报修和计划停电查询',
    category: ['公用事业', '供电', '停电'],
    keywords: '停电,断电,计划停电,电力抢修,跳闸',
    body:
      '家中停电时请先检查户内空气开关是否跳闸，并询问邻居是否同时停电。' +
      '如整栋楼或片区停电，可拨打95598供电服务热线报修，或通过"网上国网"App查询计划停电信息。' +
      '供电企业接报后会安排抢修人员到场，恢复送电时间以现场情况为准。',
  },
  {
    title: '发现燃气泄漏怎么办',
    category: ['公用事业', '供气', '燃气服务'],
    keywords: '燃气,煤气,天然气,泄漏,漏气,燃气抢修',
    body:
      '闻到燃气异味时，请立即关闭燃气总阀，打开门窗通风，不要开关电器、不要使用明火、不要在室内拨打电话。' +
      '到室外安全地点后，拨打燃气企业24小时抢修电话；情况危急的请立即拨打119。' +
      '热线接到燃气泄漏来电，应按紧急事项立即转接。',
  },
  {
    title: '夜间施工噪声扰民的规定',
    category: ['生态环境', '噪声污染', '施工噪声'],
    keywords: '施工噪声,夜间施工,工地,扰民,噪音',
    body:
      '除抢修、抢险作业和因生产工艺要求必须连续施工的以外，禁止在夜间22时至次日6时进行产生噪声的建筑施工作业。' +
      '因特殊需要必须连续施工的，施工单位应取得相关部门的证明，并在施工现场显著位置公示。' +
      '市民可反映工地名称和位置，热线将派单至属地和主管部门现场核查。',
  },
  {
    title: '路灯不亮如何报修',
    category: ['城市管理', '市政设施', '路灯故障'],
    keywords: '路灯,不亮,照明,报修,灯杆',
    body:
      '发现道路路灯不亮、闪烁或灯杆倾斜，可通过本热线报修。' +
      '请尽量提供具体道路名称、附近门牌号或灯杆上的编号，以便维修人员快速找到。' +
      '一般路灯故障在3个工作日内修复；涉及电缆被盗或损坏的，修复时间会相应延长。',
  },
  {
    title: '住宅专项维修资金如何使用',
    category: ['住房', '房屋维修', '维修资金使用'],
    keywords: '维修资金,大修基金,电梯更换,屋面防水,业主表决',
    body:
      '住宅共用部位、共用设施设备保修期满后的维修、更新和改造，可以申请使用住宅专项维修资金。' +
      '一般由业主委员会或物业服务企业提出方案，经专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决，并经参与表决业主双过半同意。' +
      '危及房屋安全等紧急情况可走应急使用程序，向区住房和城乡建设部门申请。',
  },
  {
    title: '灵活就业人员养老保险怎么缴',
    category: ['劳动保障', '社会保险', '养老保险'],
    keywords: '养老保险,灵活就业,个人缴费,社保缴费,缴费基数',
    body:
      '灵活就业人员可在户籍地或居住地的社保经办机构办理参保登记。' +
      '缴费基数可在本市上年度社会平均工资的60%至300%之间自主选择，按月或按年缴纳。' +
      '参保后可通过江州人社App、税务App或合作银行代扣缴费，并可随时查询缴费记录。',
  },
  {
    title: '供暖期时间和暖气不热怎么处理',
    category: ['公用事业', '供暖', '供暖不热'],
    keywords: '供暖,暖气,不热,室温,供热',
    body:
      '本市法定供暖期为每年11月15日至次年3月15日，遇极端天气可提前或延后。' +
      '供暖期内卧室、起居室温度应不低于18℃。' +
      '暖气不热时请先检查阀门是否全部打开、暖气片是否需要排气；仍不热的，可联系供热企业或通过本热线反映，供热企业将上门测温。',
  },
];

// ─── Calendar ────────────────────────────────────────────────────────────────────────────────────

export const DEMO_CALENDAR_YEARS: { year: number; source: string }[] = [
  { year: 2025, source: '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）' },
  { year: 2026, source: '国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日发布）' },
];

/**
 * The calendar exception rows for 2025 and 2026, from the installed holiday tables (chinese-days): every day off
 * of each statutory holiday (weekend days inside the break included) and every make-up working day (调休上班).
 * Checked day for day against the State Council tables by test/unit/seed-calendar.test.ts.
 */
export function demoCalendar(): { day: string; kind: 'holiday' | 'workday'; name: string }[] {
  return libraryDays(DEMO_CALENDAR_YEARS.map((y) => y.year));
}

export const DEMO_WORKING_HOURS = [
  { startsAt: '09:00:00', endsAt: '12:00:00' },
  { startsAt: '13:30:00', endsAt: '17:30:00' },
];

const pad = (n: number) => String(n).padStart(2, '0');

// ─── Seeding ─────────────────────────────────────────────────────────────────────────────────────

export async function seedDemo(db: Db, opts: { log?: (msg: string) => void } = {}): Promise<{ seeded: boolean }> {
  const log = opts.log ?? (() => {});
  const existing = await db.select({ id: units.id }).from(units).where(eq(units.code, CENTRE.code)).limit(1);
  if (existing.length > 0) {
    log('Demo data already present (unit "centre" exists): nothing to do.');
    return { seeded: false };
  }

  // Slow (scrypt): once, shared by every demo account.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const calendar = demoCalendar();

  return db.transaction(async (tx) => {
    // Several instances may start together on one server: a transaction-scoped advisory lock lets one seed
    // while the others wait, then re-check and find the city there (a no-op on PGlite, a single session).
    await tx.execute(sql`select pg_advisory_xact_lock(7212349)`);
    // Re-check inside the transaction so two concurrent seeders cannot both proceed past it.
    const again = await tx.select({ id: units.id }).from(units).where(eq(units.code, CENTRE.code)).limit(1);
    if (again.length > 0) return { seeded: false };

    // Units: insert, then set the materialised path from the generated id.
    type UnitRow = { id: number; code: string; name: string; kind: UnitKind; path: string };
    const unitRows: UnitRow[] = [];
    const addUnit = async (code: string, name: string, kind: UnitKind, parent?: UnitRow): Promise<UnitRow> => {
      const [row] = await tx
        .insert(units)
        .values({ code, name, kind, parentId: parent?.id ?? null, path: '' })
        .returning({ id: units.id });
      const id = row!.id;
      const path = `${parent?.path ?? '/'}${id}/`;
      await tx.update(units).set({ path }).where(eq(units.id, id));
      const unit = { id, code, name, kind, path };
      unitRows.push(unit);
      return unit;
    };

    const centre = await addUnit(CENTRE.code, CENTRE.name, 'centre');
    const firstCommunities: UnitRow[] = [];
    for (const d of DISTRICTS) {
      const district = await addUnit(d.code, d.name, 'district', centre);
      await addUnit(d.department.code, d.department.name, 'department', district);
      for (const s of d.streets) {
        const street = await addUnit(s.code, s.name, 'street', district);
        for (const [i, c] of s.communities.entries()) {
          const community = await addUnit(c.code, c.name, 'community', street);
          if (i === 0) firstCommunities.push(community);
        }
      }
    }
    for (const dep of CITY_DEPARTMENTS) await addUnit(dep.code, dep.name, 'department', centre);
    log(`Units: ${unitRows.length}`);

    // Users.
    let person = 0;
    const nextPerson = () => PEOPLE[person++ % PEOPLE.length]!;
    const userValues: { username: string; displayName: string; role: Role; unitId: number; passwordHash: string }[] = [];
    const addUser = (username: string, displayName: string, role: Role, unitId: number) =>
      userValues.push({ username, displayName, role, unitId, passwordHash });

    addUser('operator1', '话务员张敏', 'operator', centre.id);
    addUser('operator2', '话务员李晓', 'operator', centre.id);
    addUser('clerk1', '窗口工作人员陈雪', 'window_clerk', centre.id);
    addUser('dispatcher1', '派单员刘畅', 'dispatcher', centre.id);
    addUser('callback1', '回访员赵琳', 'callback_agent', centre.id);
    addUser('supervisor1', '督办科长孙建国', 'supervisor', centre.id);
    addUser('admin', '系统管理员', 'admin', centre.id);
    addUser('portal', '网上诉求平台', 'intake_client', centre.id);
    for (const u of unitRows) {
      if (u.kind === 'district' || u.kind === 'street' || u.kind === 'department') {
        addUser(`handler.${u.code}`, `${u.name}承办人${nextPerson()}`, 'unit_handler', u.id);
        addUser(`leader.${u.code}`, `${u.name}负责人${nextPerson()}`, 'unit_leader', u.id);
      }
    }
    for (const c of firstCommunities) addUser(`handler.${c.code}`, `${c.name}承办人${nextPerson()}`, 'unit_handler', c.id);
    const insertedUsers = await tx.insert(users).values(userValues).returning({ id: users.id, username: users.username });
    log(`Users: ${insertedUsers.length} (password ${DEMO_PASSWORD})`);

    const portal = insertedUsers.find((u) => u.username === 'portal')!;
    await tx.insert(apiTokens).values({
      name: '网上诉求平台 (demo)',
      tokenHash: hashToken(DEMO_API_TOKEN),
      prefix: DEMO_API_TOKEN.slice(0, 12),
      userId: portal.id,
    });

    // Categories, level by level so parents have ids.
    const categoryIds = new Map<string, number>(); // "城市管理/市容环境/占道经营" → id
    let categoryCount = 0;
    const addCategories = async (nodes: CategorySeed[], parent: { id: number; code: string; path: string } | null, level: number) => {
      for (const [i, node] of nodes.entries()) {
        const code = parent ? `${parent.code}-${pad(i + 1)}` : `c${pad(i + 1)}`;
        const [row] = await tx
          .insert(categories)
          .values({ code, name: node.name, parentId: parent?.id ?? null, level, public: node.public ?? true, sort: i + 1 })
          .returning({ id: categories.id });
        const path = parent ? `${parent.path}/${node.name}` : node.name;
        categoryIds.set(path, row!.id);
        categoryCount++;
        if (node.children) await addCategories(node.children, { id: row!.id, code, path }, level + 1);
      }
    };
    await addCategories(CATEGORY_TREE, null, 1);
    log(`Categories: ${categoryCount}`);

    // Knowledge base.
    await tx.insert(kbArticles).values(
      KB_ARTICLES.map((a) => {
        const categoryId = categoryIds.get(a.category.join('/'));
        if (categoryId === undefined) throw new Error(`KB article "${a.title}": unknown category ${a.category.join(' > ')}`);
        return {
          title: a.title,
          body: a.body,
          categoryId,
          keywords: a.keywords,
          searchTerms: documentTerms(a.title, a.keywords, a.body),
        };
      }),
    );
    log(`Knowledge base articles: ${KB_ARTICLES.length}`);

    // Dispatch catalogue: street aliases and boundaries, rules, auto-dispatch categories.
    await seedRouting(tx as unknown as Db, { units: unitRows, categoryIds }, log);

    // Calendar and working hours.
    await tx.insert(calendarDays).values(calendar);
    await tx.insert(calendarYears).values(DEMO_CALENDAR_YEARS);
    await tx.insert(workingHours).values(DEMO_WORKING_HOURS);
    log(`Calendar: ${calendar.length} days for ${DEMO_CALENDAR_YEARS.map((y) => y.year).join(', ')}`);

    // SLA policies: the Tianjin-like preset (admins replace it through POST /api/sla/presets/:name/apply).
    const sla = await installPreset(tx as unknown as Db, findPreset('tianjin')!);
    log(`SLA policies: ${sla.created.length} (preset tianjin)`);

    return { seeded: true };
  });
}
