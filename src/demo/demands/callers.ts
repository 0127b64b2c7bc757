/** The demo's callers: names as operators record them and mobile numbers. */
import type { Rng } from '../random.ts';

/** Surnames by frequency (roughly), for callers. */
const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '高',
  '林',
  '罗',
  '郑',
  '梁',
  '谢',
  '宋',
  '唐',
  '许',
  '韩',
  '冯',
  '邓',
  '曹',
  '彭',
  '曾',
  '肖',
  '田',
  '董',
  '袁',
  '潘',
  '蒋',
  '蔡',
  '余',
  '杜',
  '叶',
  '程',
  '魏',
  '苏',
  '吕',
  '丁',
  '沈',
  '任',
  '姚',
];
const GIVEN_M = ['建国', '志强', '海涛', '国平', '伟', '俊杰', '明', '立新', '浩然', '宇航', '德华', '振华', '文博', '子轩'];
const GIVEN_F = ['秀英', '丽华', '静', '敏', '晓燕', '桂兰', '雪梅', '婷婷', '佳怡', '慧', '玉珍', '欣然', '春燕', '梦瑶'];
/** Mobile prefixes of the three carriers. */
const PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '153',
  '155',
  '156',
  '157',
  '158',
  '159',
  '166',
  '170',
  '173',
  '176',
  '177',
  '180',
  '181',
  '182',
  '183',
  '185',
  '186',
  '187',
  '188',
  '189',
  '191',
  '198',
  '199',
];

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
