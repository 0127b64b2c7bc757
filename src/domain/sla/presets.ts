/**
 * SLA presets modelled on the rules in docs/domain.md §5, for admins to start from (then edit).
 * Data only: categories are named by keywords and resolved against the centre's own category tree when a
 * preset is applied, so the same preset serves any city's tree. Values not stated by the sources are our
 * own choices and say so in `note`.
 */
import type { z } from 'zod';
import type { Channel, Urgency } from '../vocab.ts';
import type { policyTerms } from './inputs.ts';

type Terms = z.input<typeof policyTerms>;

export type PresetRule = Terms & {
  name: string;
  /** Category name keywords: a category whose name contains one of them is covered (with its subtree) */
  categories?: readonly string[];
  urgency?: Urgency;
  channel?: Channel;
  note?: string;
};

export type Preset = { name: string; title: string; description: string; source: string; rules: PresetRule[] };

/** 水电气热: water, power, gas and heating, as category names usually say it. */
export const UTILITY_KEYWORDS = ['供水', '停水', '供电', '停电', '供气', '燃气', '供暖', '供热', '暖气'] as const;

const m = (amount: number) => ({ amount, unit: 'natural_minutes' as const });
const h = (amount: number) => ({ amount, unit: 'natural_hours' as const });
const d = (amount: number) => ({ amount, unit: 'natural_days' as const });
const wh = (amount: number) => ({ amount, unit: 'working_hours' as const });
const wd = (amount: number) => ({ amount, unit: 'working_days' as const });

/**
 * The category rules of a preset, each with an emergency twin: a category policy is more specific than
 * the emergency policy with no category, so without the twin an emergency about water would get the
 * water terms instead of the emergency ones.
 */
function withEmergencyTwins(rules: PresetRule[], emergency: Terms): PresetRule[] {
  return rules.flatMap((r) =>
    r.categories && !r.urgency ? [r, { ...r, ...emergency, name: `${r.name}（特急）`, urgency: 'emergency' as const, note: '特急诉求按特急时限' }] : [r],
  );
}

const TIANJIN_EMERGENCY: Terms = { sign: m(15), response: m(30), complete: h(24) };
const BEIJING_EMERGENCY: Terms = { sign: m(15), response: m(30), complete: h(2) };
const SHANDONG_EMERGENCY: Terms = { sign: m(15), response: m(30), complete: h(24) };

export const PRESETS: Preset[] = [
  {
    name: 'tianjin',
    title: '天津模式',
    description: '危及生命财产安全的特急件15分钟签收，水电气热30分钟签收（不论是否工作日），其余1个工作日内签收；一般诉求5个工作日办结。',
    source: 'docs/domain.md §5（天津签收时限；办结5个工作日）',
    rules: [
      { name: '天津：一般诉求', sign: wd(1), response: wd(1), complete: wd(5), note: '响应时限按1个工作日（设计取值）' },
      { name: '天津：危及生命财产安全（特急）', urgency: 'emergency', ...TIANJIN_EMERGENCY, note: '响应30分钟、办结24小时为设计取值' },
      ...withEmergencyTwins(
        [{ name: '天津：水电气热', categories: UTILITY_KEYWORDS, sign: m(30), response: h(2), complete: wd(5), note: '响应2小时为设计取值' }],
        TIANJIN_EMERGENCY,
      ),
    ],
  },
  {
    name: 'beijing-draft',
    title: '北京（标准征求意见稿）模式',
    description: '办结时限：特急2小时，水电气热24小时，一般诉求7个自然日，复杂诉求15个自然日（次日起算）。',
    source: 'docs/domain.md §5（北京标准征求意见稿）',
    rules: [
      { name: '北京：一般诉求', sign: wh(2), response: h(24), complete: d(7), note: '签收2个工作小时、响应24小时为设计取值' },
      { name: '北京：特急', urgency: 'emergency', ...BEIJING_EMERGENCY },
      ...withEmergencyTwins(
        [
          { name: '北京：水电气热', categories: UTILITY_KEYWORDS, sign: m(30), response: h(2), complete: h(24) },
          {
            name: '北京：复杂诉求',
            categories: ['违法建设', '劳动关系', '房屋维修'],
            sign: wh(2),
            response: h(24),
            complete: d(15),
            note: '哪些分类属于复杂诉求由中心确定，此处为示例分类',
          },
        ],
        BEIJING_EMERGENCY,
      ),
    ],
  },
  {
    name: 'shandong',
    title: '山东（济南、潍坊）模式',
    description: '办结时限5个工作日；签收、响应各1个工作日；特急件15分钟签收。',
    source: 'docs/domain.md §5（济南、潍坊5个工作日）',
    rules: [
      { name: '山东：一般诉求', sign: wd(1), response: wd(1), complete: wd(5), note: '签收、响应时限为设计取值' },
      { name: '山东：特急', urgency: 'emergency', ...SHANDONG_EMERGENCY, note: '特急时限为设计取值' },
    ],
  },
];

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}

export type CategoryNode = { id: number; name: string; parentId: number | null };

/**
 * The categories a list of name keywords covers: every category whose name contains a keyword, minus
 * those under another match (the ancestor's policy already covers its subtree).
 */
export function resolveCategories(all: readonly CategoryNode[], keywords: readonly string[]): CategoryNode[] {
  const byId = new Map(all.map((c) => [c.id, c]));
  const hit = new Set(all.filter((c) => keywords.some((k) => c.name.includes(k))).map((c) => c.id));
  const underHit = (c: CategoryNode) => {
    for (let p = c.parentId, guard = 0; p !== null && guard < 50; p = byId.get(p)?.parentId ?? null, guard++) if (hit.has(p)) return true;
    return false;
  };
  return all.filter((c) => hit.has(c.id) && !underHit(c)).sort((a, b) => a.id - b.id);
}
