/**
 * The noise of real calls, laid over a demand's text with a modest probability (src/demo/demands/say.ts): dialect
 * words for standard ones, homophone slips an operator types in a hurry (在/再, 的/得, 账/帐, 噪/燥, 反映/反应), fillers
 * and greetings, run-on sentences, and an aside about another matter (a second category in the same call).
 */
import type { Rng } from '../random.ts';
import { fill } from './phrasings/fill.ts';
import type { Ctx } from './parts.ts';

export type NoiseKind = 'dialect' | 'slip' | 'filler' | 'run-on' | 'aside';

const DIALECT: readonly (readonly [string, readonly string[]])[] = [
  ['我们', ['俺们', '阿拉', '咱们']],
  ['我', ['俺']],
  ['什么', ['啥', '啥子', '么子']],
  ['怎么办', ['咋整', '咋办', '怎么搞']],
  ['怎么', ['咋', '咋个']],
  ['没有', ['莫得', '没得', '木有']],
  ['知道', ['晓得', '知不道']],
  ['特别', ['忒', '贼', '老']],
  ['非常', ['忒', '贼', '相当']],
  ['很', ['蛮', '老', '贼']],
  ['不要', ['莫要', '甭']],
  ['做', ['整', '搞']],
  ['看看', ['瞅瞅', '瞧瞧']],
];

/** [what was meant, what was typed]: slips of sound or of the input method. */
const SLIPS: readonly (readonly [string, string])[] = [
  ['在', '再'],
  ['再', '在'],
  ['的', '得'],
  ['得', '的'],
  ['账', '帐'],
  ['噪', '燥'],
  ['反映', '反应'],
  ['已经', '以经'],
  ['安装', '按装'],
  ['以后', '已后'],
  ['重新', '从新'],
  ['一直', '一只'],
  ['楼道', '楼到'],
  ['维修', '维休'],
  ['那', '哪'],
  ['像', '象'],
  ['做', '作'],
  ['按时', '安时'],
  ['工资', '公资'],
  ['暖气', '暖器'],
];

const OPENINGS = ['喂，', '喂喂，', '你好，', '喂，你好，', '你好你好，', '是12345吗？', '喂，是热线吗，', '那个，', '就是，', '我跟你说啊，'];
const FILLERS = ['那个', '就是', '嗯', '然后', '怎么说呢', '你晓得吧', '对吧', '反正', '就是说'];
const CLOSINGS = ['麻烦你们给管管。', '谢谢啊。', '你们赶紧派人来看看吧。', '就这个事。', '一定要给我回个电话啊。', '俺等你们消息。', '拜托了拜托了。'];

/** Asides from other categories (the leaf named is not the call's). */
const ASIDES: readonly (readonly [string, string])[] = [
  ['城市管理/市政设施/路灯故障', '顺便说一下，{路}的路灯也坏了好几天了。'],
  ['城市管理/市容环境/垃圾清运', '还有就是我们楼下垃圾也好几天没人拉了。'],
  ['交通/道路交通/停车管理', '另外小区门口乱停车的也没人管。'],
  ['城市管理/市政设施/井盖缺失', '对了，{路}上有个井盖松了，踩上去咣当响。'],
  ['住房/物业管理/物业服务质量', '还有我们物业也是啥都不管，打电话不接。'],
  ['生态环境/噪声污染/社会生活噪声', '再一个就是楼上天天晚上吵得很。'],
  ['城市管理/市政设施/道路破损', '还有{路}那个大坑也一直没补。'],
  ['公用事业/供水/停水', '还有上个礼拜我们这停水也没通知。'],
  ['城市管理/市容环境/占道经营', '门口那些摆摊的也顺便管一下。'],
  ['住房/物业管理/电梯故障', '对了，我们楼电梯也老坏。'],
  ['生态环境/大气污染/餐饮油烟', '楼下饭店的油烟也大得很。'],
  ['交通/公共交通/公交服务质量', '还有那个{公交}老是不进站。'],
  ['劳动保障/社会保险/社保卡业务', '顺便问一下社保卡丢了去哪补办。'],
  ['住房/房屋维修/房屋漏水', '还有我家卫生间顶上也在渗水。'],
  ['住房/物业管理/物业收费', '物业费还说要涨价，凭啥嘛。'],
];

/** Replace the first occurrence of `from` (none: unchanged). */
const once = (text: string, from: string, to: string) => {
  const i = text.indexOf(from);
  return i < 0 ? text : text.slice(0, i) + to + text.slice(i + from.length);
};

/** The text with one or more kinds of noise, and which kinds were laid on (none applies where the text gives no room). */
export function addNoise(text: string, leafPath: string, c: Ctx, r: Rng): { text: string; kinds: NoiseKind[] } {
  const kinds: NoiseKind[] = [];
  let t = text;
  if (r.chance(0.5)) {
    const before = t;
    for (const [std, local] of DIALECT) if (t.includes(std) && r.chance(0.6)) t = once(t, std, r.pick(local));
    if (t !== before) kinds.push('dialect');
  }
  if (r.chance(0.5)) {
    const candidates = SLIPS.filter(([meant]) => t.includes(meant));
    if (candidates.length) {
      for (let i = r.int(1, 2); i > 0; i--) {
        const [meant, typed] = r.pick(candidates);
        t = once(t, meant, typed);
      }
      kinds.push('slip');
    }
  }
  if (r.chance(0.5)) {
    const parts = t.split('，');
    if (parts.length > 1) {
      const at = r.int(1, parts.length - 1);
      parts[at] = `${r.pick(FILLERS)}，${parts[at]}`;
    }
    t = `${r.chance(0.6) ? r.pick(OPENINGS) : ''}${parts.join('，')}${r.chance(0.4) ? r.pick(CLOSINGS) : ''}`;
    kinds.push('filler');
  }
  if (r.chance(0.3)) {
    const runOn = t.replace(/。(?=.)/g, () => (r.chance(0.5) ? '，' : ' ')).replace(/，/g, () => (r.chance(0.3) ? ' ' : '，'));
    if (runOn !== t) kinds.push('run-on');
    t = runOn;
  }
  if (r.chance(0.25)) {
    const others = ASIDES.filter(([path]) => path !== leafPath);
    const [, aside] = r.pick(others);
    t = `${t.replace(/[。！？\s]*$/, '。')}${fill(aside, c)}`;
    kinds.push('aside');
  }
  return { text: t, kinds };
}
