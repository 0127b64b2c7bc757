/**
 * What of a ticket's text may go to the language model: nobody's identity. Applied to every string before it is
 * put in a prompt (pure; nothing stored changes):
 * - the names and numbers of the caller and of every repeat caller, as the database holds them, wherever they
 *   were typed (the Open311 scrub: `scrub` in open311/public-text.ts);
 * - anything shaped like a phone number, an ID-card number or an e-mail address (`redactContactDetails`);
 * - names typed into the text where the text says it is a name: after 我叫 / 姓名 / 联系人 … (two to three
 *   characters starting with a common surname), and a surname (with a given name) before 先生 / 女士 / 师傅 … —
 *   the title stays, so the model still reads "a man", "a woman".
 * What it cannot catch: a bare full name with nothing around it saying so (邻居李秀英家…). The docs say so.
 */
import { REDACTED } from '../privacy/phone-numbers.ts';
import { scrub, type Identity } from '../open311/public-text.ts';

/** The most common single-character surnames (about 85 % of the population). */
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝';

const CUE = '(?:我叫|名叫|叫做|姓名|名字叫|名字是|联系人|报案人|当事人)';
/** A name the text announces: the cue, optional punctuation, then a surname and one or two characters. */
const CUED_NAME = new RegExp(`(?<=${CUE}[:：是为 ]{0,2})[${SURNAMES}]\\p{Script=Han}{1,2}`, 'gu');
const TITLE = '(?:先生|女士|小姐|师傅|阿姨|大爷|大妈|大姐|大哥|奶奶|爷爷)';
/** A surname, perhaps with a given name, before a title: 张先生, 张伟先生 → **先生 */
const TITLED_NAME = new RegExp(`[${SURNAMES}]\\p{Script=Han}{0,2}?(?=${TITLE})`, 'gu');

/** The text with every identity, contact detail and announced name replaced by ****. */
export function maskForModel(text: string, identities: Identity[]): string {
  if (!text) return text;
  let out = text;
  for (const who of identities) out = scrub(out, who);
  // scrub ends with redactContactDetails; run it once more for a ticket with no identity at all
  if (!identities.length) out = scrub(out, { callerName: null, callerPhone: null });
  return out.replace(CUED_NAME, REDACTED).replace(TITLED_NAME, (m) => '*'.repeat(Math.max(1, [...m].length)));
}

/** Cut to at most `max` characters (code points), marking the cut. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max).join('')}…（后略）`;
}
