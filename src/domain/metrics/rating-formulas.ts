/**
 * The caller's own ratings (好差评) as rates. Every figure is credited to the unit rated (the lead unit of the
 * centre's dispatch in the round rated) on the rating's day — also what later happens to a bad rating's
 * verification, so one period's figures are about the ratings given in it and never exceed 100 %.
 * 好评 = 非常满意, 满意, 基本满意; 差评 = 不满意, 非常不满意 (each verified). A bad rating the centre dismisses
 * (不予认定) leaves both rates.
 */
import type { FormulaMaker } from './names.ts';

export function ratingFormulas(f: FormulaMaker) {
  const ratings = {
    'zh-CN': '按评价日期统计，归属被评价的单位（该轮中心派单的主办单位）；差评的核实、整改结果也计入评价当日',
    en: 'by the day of the rating, credited to the unit rated (the lead unit of that round’s dispatch); what becomes of a bad rating counts on the rating’s day too',
  };
  return {
    good_review_rate: f(
      { counters: ['ratingsGood'] },
      { counters: ['ratingsMade'], minus: ['badDismissed'] },
      '好评率 = “非常满意”“满意”“基本满意”的评价 ÷ 评价数（减去核实后不予认定的差评）',
      'ratings "very satisfied", "satisfied" or "basically satisfied" ÷ ratings (less bad ratings dismissed on verification)',
      ratings,
    ),
    bad_review_rate: f(
      { counters: ['ratingsBad'], minus: ['badDismissed'] },
      { counters: ['ratingsMade'], minus: ['badDismissed'] },
      '差评率 = “不满意”“非常不满意”的评价（减去核实后不予认定的） ÷ 评价数（同样减去）',
      'ratings "dissatisfied" or "very dissatisfied" (less those dismissed on verification) ÷ ratings (less the same)',
      ratings,
    ),
    bad_review_rectification_rate: f(
      { counters: ['badRectified'] },
      { counters: ['badConfirmed'] },
      '差评整改率 = 已整改并答复诉求人的差评 ÷ 核实确认的差评',
      'bad ratings rectified and answered to the caller ÷ bad ratings confirmed on verification',
      ratings,
    ),
  };
}
