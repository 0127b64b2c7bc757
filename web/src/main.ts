import { render, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { html } from './html.ts';
import { LANGUAGE_NAMES, locale, setLocale, t, type Locale, type MsgKey } from './i18n.ts';
import { ApiError, get, onSessionLost, post, setCsrf } from './api.ts';
import { connectLive, disconnectLive, useLiveStatus } from './live.ts';
import { setPublicBase } from './format.ts';
import { linkClick, navigate, useLocation } from './router.ts';
import type { Role, SessionInfo } from './types.ts';
import { Announcer, lbl } from './ui/common.ts';
import { CalendarBanner } from './ui/calendar-banner.ts';
import { setDraftOwner } from './ui/draft.ts';
import { ShortcutsHelp } from './ui/shortcuts-help.ts';
import { InboxBell } from './ui/inbox-bell.ts';
import { Login } from './screens/login.ts';
import { Intake } from './screens/intake/index.ts';
import { Dispatch } from './screens/dispatch.ts';
import { UnitDesk } from './screens/unit.ts';
import { Callback } from './screens/callback.ts';
import { Wallboard } from './screens/wallboard.ts';
import { Governance } from './screens/governance.ts';
import { Reports } from './screens/reports.ts';
import { KeySupervision } from './screens/key-supervision.ts';
import { Lookup } from './screens/lookup.ts';
import { Rate } from './screens/rate.ts';
import { RatingVerifications } from './screens/rating-verifications.ts';
import { Calendar } from './screens/calendar.ts';
import { TicketPage } from './screens/ticket-page.ts';
import { TicketSearch } from './screens/ticket-search.ts';
import { SavedViewsNav } from './screens/ticket-views-nav.ts';
import { MetricTickets } from './screens/metric-tickets.ts';
import { Metrics } from './screens/metrics.ts';
import { AccountScreen } from './screens/account.ts';
import { ROLES } from '../../src/contract/vocab.ts';
import { SecurityScreen } from './screens/security.ts';
import { PrivacyScreen } from './screens/privacy.ts';
import { AuditScreen } from './screens/audit.ts';
import { AssistAdminScreen } from './screens/assist-admin.ts';

type Screen = { path: string; title: MsgKey; roles: Role[]; view: (s: SessionInfo) => ComponentChildren; hidden?: true };

/** Every signed-in screen, who may open it (the API enforces the same), and the home of each role. */
const SCREENS: Screen[] = [
  { path: '/intake', title: 'screen.intake', roles: ['operator'], view: () => html`<${Intake} mode="phone" />` },
  { path: '/window', title: 'screen.window', roles: ['window_clerk'], view: () => html`<${Intake} mode="window" />` },
  { path: '/dispatch', title: 'screen.dispatch', roles: ['dispatcher'], view: () => html`<${Dispatch} />` },
  { path: '/unit', title: 'screen.unit', roles: ['unit_handler', 'unit_leader'], view: (s) => html`<${UnitDesk} session=${s} />` },
  { path: '/callback', title: 'screen.callback', roles: ['callback_agent'], view: () => html`<${Callback} />` },
  // the security administrator's home (三权分立: no ticket, figure or audit row); the audit administrator's is /audit
  { path: '/security', title: 'screen.security', roles: ['security_admin'], view: (s) => html`<${SecurityScreen} session=${s} />` },
  { path: '/wallboard', title: 'screen.wallboard', roles: ['supervisor', 'dispatcher', 'admin'], view: (s) => html`<${Wallboard} session=${s} />` },
  { path: '/governance', title: 'screen.governance', roles: ['supervisor', 'admin', 'dispatcher'], view: (s) => html`<${Governance} session=${s} />` },
  { path: '/supervision', title: 'screen.keySupervision', roles: ['supervisor', 'dispatcher', 'admin'], view: (s) => html`<${KeySupervision} session=${s} />` },
  { path: '/reports', title: 'screen.reports', roles: ['supervisor', 'admin'], view: () => html`<${Reports} />` },
  { path: '/metrics', title: 'screen.metrics', roles: ['supervisor', 'admin', 'unit_leader', 'unit_handler'], view: (s) => html`<${Metrics} session=${s} />` },
  { path: '/calendar', title: 'screen.calendar', roles: ['admin', 'supervisor'], view: (s) => html`<${Calendar} session=${s} />` },
  // callers' personal data (PIPL): retention and a caller's export or erasure request, the security administrator's
  { path: '/privacy', title: 'screen.privacy', roles: ['security_admin'], view: () => html`<${PrivacyScreen} />` },
  // the audit administrator's home: the audit log queried, verified and exported, and the retention in force
  { path: '/audit', title: 'screen.audit', roles: ['audit_admin'], view: () => html`<${AuditScreen} />` },
  // assisted intake (智能辅助), the system administrator's: models, retraining, the switch and threshold, accuracy, words
  { path: '/assist', title: 'screen.assistAdmin', roles: ['admin'], view: () => html`<${AssistAdminScreen} />` },
  {
    path: '/rating-verifications',
    title: 'screen.ratingVerifications',
    roles: ['supervisor', 'admin', 'dispatcher', 'callback_agent', 'unit_leader', 'unit_handler'],
    view: (s) => html`<${RatingVerifications} session=${s} />`,
  },
  {
    path: '/tickets',
    title: 'screen.tickets',
    roles: ['operator', 'window_clerk', 'dispatcher', 'unit_handler', 'unit_leader', 'callback_agent', 'supervisor', 'admin'],
    view: (s) => html`<${TicketSearch} session=${s} />`,
  },
  // the tickets behind a figure (linked from the wallboard's figures; not in the navigation: it needs a figure)
  {
    path: '/metrics/tickets',
    title: 'screen.drill',
    roles: ['supervisor', 'admin', 'unit_handler', 'unit_leader'],
    view: () => html`<${MetricTickets} />`,
    hidden: true,
  },
  // every role's own account (password, second factor, sign-in activity); where a restricted session lands
  { path: '/account', title: 'screen.account', roles: [...ROLES], view: (s) => html`<${AccountScreen} session=${s} />` },
  // '/tickets/' ends with a slash: a prefix (the ticket page, /tickets/<number>), not in the navigation
  {
    path: '/tickets/',
    title: 'screen.tickets',
    roles: ['operator', 'window_clerk', 'dispatcher', 'unit_handler', 'unit_leader', 'callback_agent', 'supervisor', 'admin'],
    view: (s) => html`<${TicketPage} number=${location.pathname.slice(9)} session=${s} home=${homeOf(s.user.role)} />`,
  },
];
const screensFor = (role: Role) => SCREENS.filter((s) => s.roles.includes(role) && !s.path.endsWith('/') && !s.hidden);
const screenAt = (path: string) => SCREENS.find((s) => s.path === path || (s.path.endsWith('/') && path.startsWith(s.path) && path.length > s.path.length));
export const homeOf = (role: Role) => screensFor(role)[0]?.path ?? '/lookup';

function App() {
  const loc = useLocation();
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [, setLang] = useState(locale());
  // the citizens' pages: the look-up and the rating link of the reply's SMS (no sign-in)
  const publicPage = loc.path === '/lookup' || loc.path === '/rate';

  useEffect(() => {
    onSessionLost(() => {
      disconnectLive();
      setSession(null);
    });
    if (publicPage) return;
    get<SessionInfo>('/api/auth/session').then(
      (s) => signedIn(s),
      () => setSession(null),
    );
  }, []);

  const signedIn = (s: SessionInfo) => {
    setCsrf(s.csrfToken);
    setPublicBase(s.publicBaseUrl);
    setDraftOwner(s.user.id);
    setSession(s);
    connectLive();
  };

  useEffect(() => {
    document.documentElement.lang = locale();
  });

  if (loc.path === '/rate') return html`<${Rate} token=${loc.query.get('t') ?? ''} />`;
  if (publicPage) return html`<${Lookup} initialNumber=${loc.query.get('n') ?? ''} />`;
  if (session === undefined) return html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`;
  if (session === null) {
    return html`<${Login}
      onLogin=${(s: SessionInfo) => {
        signedIn(s);
        const here = screenAt(loc.path);
        if (s.restrictions?.length) navigate('/account', { replace: true });
        else if (!here?.roles.includes(s.user.role)) navigate(homeOf(s.user.role), { replace: true });
      }}
    />`;
  }
  const screen = screenAt(loc.path);
  // A session held to the sign-in policy (a password to change, a second factor to enrol) may only use its account.
  if (session.restrictions?.length && screen?.path !== '/account') return html`<${Redirect} to="/account" />`;
  if (!screen) return html`<${Redirect} to=${homeOf(session.user.role)} />`;
  document.title = `${t(screen.title)} · ${t('app.short')}`;
  const allowed = screen.roles.includes(session.user.role);
  const logout = async () => {
    await post('/api/auth/logout').catch(() => {});
    disconnectLive();
    setSession(null);
    navigate('/', { replace: true });
  };
  return html`<${Shell} session=${session} current=${screen.path} onLogout=${logout} onLang=${setLang}>
    ${allowed ? screen.view(session) : html`<div class="not-allowed"><p class="error" role="alert">${t('common.forbidden')}</p><p><a href=${homeOf(session.user.role)} onClick=${linkClick}>${t('help.home')}</a></p></div>`}
  <//>`;
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Shell(props: { session: SessionInfo; current: string; onLogout: () => void; onLang: (l: string) => void; children: ComponentChildren }) {
  const live = useLiveStatus();
  const { user } = props.session;
  const nav = screensFor(user.role);
  // The security and audit administrators have no notification centre and no saved ticket views (they read no tickets).
  const oversight = user.role === 'security_admin' || user.role === 'audit_admin';
  const other: Locale = locale() === 'zh-CN' ? 'en' : 'zh-CN';
  return html`<div class="shell">
    <a class="skip" href="#main">${t('common.skip')}</a>
    <header class="topbar">
      <a class="brand" href=${homeOf(user.role)} onClick=${linkClick} aria-label=${`${t('app.short')} · ${t('help.home')}`}>${t('app.short')}</a>
      ${
        nav.length > 1
          ? html`<nav aria-label=${t('common.nav')}>
            ${nav.map((s) => html`<a href=${s.path} onClick=${linkClick} aria-current=${s.path === props.current ? 'page' : undefined}>${t(s.title)}</a>`)}
            ${oversight ? null : html`<${SavedViewsNav} current=${location.pathname + location.search} />`}
          </nav>`
          : null
      }
      <span class="spacer"></span>
      ${oversight ? null : html`<${InboxBell} />`}
      <span class=${`live live-${live}`} role="status" data-live=${live}>${lbl('live', live)}</span>
      <span class="who">${user.displayName} · ${lbl('role', user.role)}</span>
      <button
        type="button"
        class="small"
        lang=${other}
        onClick=${() => {
          setLocale(other);
          props.onLang(other);
        }}
      >
        ${LANGUAGE_NAMES[other]}
      </button>
      <button type="button" class="small" onClick=${props.onLogout}>${t('common.logout')}</button>
    </header>
    <main id="main" tabindex="-1">
      ${user.role === 'supervisor' || user.role === 'admin' ? html`<${CalendarBanner} />` : null}
      ${props.children}
    </main>
    <${ShortcutsHelp} path=${props.current} />
    <${Announcer} />
  </div>`;
}

window.addEventListener('unhandledrejection', (e) => {
  if (e.reason instanceof ApiError) e.preventDefault();
});

render(html`<${App} />`, document.getElementById('app')!);
