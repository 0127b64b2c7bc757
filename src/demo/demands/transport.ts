/** The demo's demands of 交通: buses, taxis and ride-hailing, road traffic. */
import { BUSES, dur, yuan, type LeafSpec } from './parts.ts';

export const TRANSPORT: readonly LeafSpec[] = [
  {
    path: '交通/公共交通/公交线路调整',
    weight: 2,
    types: [
      ['suggestion', 3],
      ['complaint', 1],
    ],
    placed: true,
    noun: '公交线路',
    demands: [
      {
        title: (c) => `建议${c.one('bus', BUSES)}延伸至${c.p.compound}`,
        content: (c) =>
          `${c.p.street.name}${c.p.compound}一带新入住了好几千户居民，最近的公交站要走二十分钟，建议把${c.one('bus', BUSES)}延伸过来，或者新开一条社区微循环公交。`,
      },
      {
        title: (c) => `${c.p.road}公交站撤销不便`,
        content: (c) => `${c.p.road}的公交站最近撤销了，没有任何提前通知，附近${c.p.compound}很多老人要去${c.p.landmark}，现在要多走一站路，希望恢复站点。`,
      },
    ],
    replies: [
      (c) =>
        `经市交通委员会与公交集团研究，${c.p.compound}周边客流已纳入本季度线网优化方案，拟于下月开通社区微循环线路，具体开通时间将通过公交集团公众号发布。已告知诉求人。`,
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
        content: (c) =>
          `${c.date}早上七点四十左右，${c.one('bus', BUSES)}公交车在${c.p.road}站没有进站，直接开走了，站台上等了十几个人，很多是赶着上学的学生，这种情况已经不是第一次了。`,
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
        content: (c) =>
          `从${c.p.road}坐网约车去火车站，平时三十块左右，这次司机故意绕路收了${yuan(c, 60, 90, 1)}，在平台投诉后只退了五块钱，希望主管部门处理。`,
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
    types: [
      ['suggestion', 2],
      ['help', 2],
    ],
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
    types: [
      ['complaint', 3],
      ['report', 1],
    ],
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
      (c) =>
        `我街道已会同交警中队在${c.p.road}施划禁停标线并设置消防通道警示标识，对违停车辆进行了集中劝离和贴单处理，并协调${c.p.landmark}周边夜间错时开放停车位。已告知诉求人。`,
      () => `经排查，涉及车辆均为长期停放车辆。已联系车主挪走两辆，另外联系不上车主的车辆已张贴限期挪车告知书，逾期将依法拖移。已向诉求人反馈。`,
    ],
  },
  {
    path: '交通/道路交通/交通违法处理',
    weight: 2,
    types: [
      ['consult', 4],
      ['complaint', 1],
    ],
    placed: false,
    noun: '违章处理',
    demands: [
      {
        title: () => `对电子警察抓拍有异议`,
        content: (c) => `${c.date}前后我在${c.p.road}被电子警察拍了闯红灯，但当时是为了避让救护车，想申请复核，不知道该怎么操作。`,
      },
      {
        title: (c) => `${c.p.road}违停抄牌有异议`,
        content: (c) =>
          `${c.r.pick(['昨天', '上周三', '前几天'])}在${c.p.road}${c.p.landmark}门口临时停车下去取药，不到五分钟就被贴了罚单，那里没有任何禁停标志，想申请撤销处罚。`,
      },
    ],
    replies: [() => `经交警部门核实，诉求人可通过交管12123 App提交复核申请并上传行车记录仪视频，交警部门将在规定时限内审核。已电话告知诉求人具体操作步骤。`],
    questions: [
      (c) =>
        `${c.r.pick(['我的车', '家里的车', '我开的外地牌照的车'])}${c.r.pick([`上周在${c.p.road}好像被拍了`, '收到短信说有违章', '不知道有没有违章没处理'])}，请问${c.r.pick(['怎么查询违章', '能不能在网上处理', '可以在本地交罚款吗'])}？`,
    ],
  },
];
