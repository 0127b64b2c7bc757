/**
 * The demo city 江州市's organisation: the hotline centre, three districts each with a district department,
 * their streets (乡镇街道) and communities (社区/村), the city departments, and the fictional names its
 * staff accounts are given. Made up; codes are what the rest of the seed (routing.ts) refers to.
 */

type CommunitySeed = { code: string; name: string };
type StreetSeed = { code: string; name: string; communities: CommunitySeed[] };
type DistrictSeed = { code: string; name: string; department: { code: string; name: string }; streets: StreetSeed[] };

export const CENTRE = { code: 'centre', name: '江州市12345热线服务中心' };

export const DISTRICTS: DistrictSeed[] = [
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

export const CITY_DEPARTMENTS = [
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
export const PEOPLE = [
  '王磊',
  '李娜',
  '刘洋',
  '陈静',
  '杨帆',
  '赵敏',
  '黄伟',
  '周婷',
  '吴昊',
  '徐丽',
  '孙强',
  '马超',
  '朱琳',
  '胡斌',
  '郭莉',
  '何勇',
  '高翔',
  '林芳',
  '罗军',
  '郑爽',
  '梁宇',
  '谢萍',
  '宋涛',
  '唐雪',
  '韩冰',
  '冯刚',
  '邓洁',
  '曹阳',
  '彭飞',
  '曾悦',
  '肖鹏',
  '田甜',
  '董浩',
  '袁媛',
  '潘峰',
  '于倩',
  '蒋楠',
  '蔡鑫',
  '余波',
  '杜娟',
  '叶青',
  '程晨',
  '苏杭',
  '魏然',
  '吕博',
  '丁宁',
  '任杰',
  '沈露',
  '姚远',
  '卢琪',
  '姜山',
  '崔颖',
  '钟鸣',
  '谭慧',
  '陆川',
  '汪洋',
  '范蕾',
  '金鑫',
  '石磊',
  '廖凯',
  '贾敏',
  '夏雨',
  '韦东',
  '付欣',
  '方圆',
  '白雪',
  '邹力',
  '孟瑶',
  '熊伟',
  '秦岚',
];
