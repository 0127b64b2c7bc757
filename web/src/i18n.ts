/**
 * Every string the web app shows, in one place per screen under ./i18n/: Chinese first, English beside it,
 * each English table typed by its Chinese keys so a string missing in either language fails to compile.
 * `t('key', {n: 1})` fills {placeholders}. Labels of closed vocabularies (statuses, channels…) are keys `group.value`.
 */
import common from './i18n/common.ts';
import labels from './i18n/labels.ts';
import ticket from './i18n/ticket.ts';
import intake from './i18n/intake.ts';
import dispatch from './i18n/dispatch.ts';
import unit from './i18n/unit.ts';
import chain from './i18n/chain.ts';
import callback from './i18n/callback.ts';
import wallboard from './i18n/wallboard.ts';
import governance from './i18n/governance.ts';
import reports from './i18n/reports.ts';
import supervision from './i18n/supervision.ts';
import calendar from './i18n/calendar.ts';
import login from './i18n/login.ts';
import account from './i18n/account.ts';
import lookup from './i18n/lookup.ts';
import ratings from './i18n/ratings.ts';
import triage from './i18n/triage.ts';
import bulk from './i18n/bulk.ts';
import help from './i18n/help.ts';
import ticketPage from './i18n/ticket-page.ts';
import inbox from './i18n/inbox.ts';
import drill from './i18n/drill.ts';
import metricsScreen from './i18n/metrics-screen.ts';
import privacy from './i18n/privacy.ts';
import security from './i18n/security.ts';
import auditScreen from './i18n/audit.ts';
import assistLlm from './i18n/assist-llm.ts';
import assistIntake from './i18n/assist-intake.ts';
import assistAdmin from './i18n/assist.ts';

const MODULES = [
  common,
  labels,
  ticket,
  intake,
  dispatch,
  unit,
  chain,
  callback,
  wallboard,
  governance,
  reports,
  supervision,
  calendar,
  login,
  account,
  lookup,
  ratings,
  triage,
  bulk,
  help,
  ticketPage,
  inbox,
  drill,
  metricsScreen,
  privacy,
  security,
  auditScreen,
  assistLlm,
  assistIntake,
  assistAdmin,
] as const;
type Module = (typeof MODULES)[number];
type KeysOf<M> = M extends { zh: infer Z } ? keyof Z & string : never;
export type MsgKey = KeysOf<Module>;

/** The keys two modules both define: merged, one would silently win, so a clash fails to compile here. */
type Clash<T extends readonly { zh: object }[]> = {
  [I in keyof T]: { [J in keyof T]: J extends I ? never : KeysOf<T[I]> & KeysOf<T[J]> }[number];
}[number];
type NoClash<T extends never> = T;
export type Unclashed = NoClash<Clash<typeof MODULES>>;

const merged = (lang: 'zh' | 'en') => Object.assign({}, ...MODULES.map((m) => m[lang])) as Record<MsgKey, string>;
const zh = merged('zh');

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
/** Each language named in itself, for the language switch. */
export const LANGUAGE_NAMES: Record<Locale, string> = { 'zh-CN': '中文', en: 'English' };
const TABLES: Record<Locale, Record<MsgKey, string>> = { 'zh-CN': zh, en: merged('en') };
const STORAGE_KEY = 'jiesu.lang';

let current: Locale = (() => {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    /* storage unavailable */
  }
  return 'zh-CN';
})();

export const locale = (): Locale => current;
export function setLocale(l: Locale) {
  current = l;
  document.documentElement.lang = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    /* storage unavailable */
  }
}

export const has = (key: string): key is MsgKey => key in zh;

export function t(key: MsgKey, params: Record<string, string | number> = {}): string {
  return TABLES[current][key].replace(/\{(\w+)\}/g, (_, k: string) => (params[k] === undefined ? '' : String(params[k])));
}
