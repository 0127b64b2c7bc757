import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t, type MsgKey } from '../i18n.ts';
import { get, post } from '../api.ts';
import { fullTime } from '../format.ts';
import type { SessionInfo } from '../types.ts';
import { announce, ErrorBox, Panel, QrCode } from '../ui/common.ts';

type Account = {
  secondFactor: { enabled: boolean; enabledAt: string | null; required: boolean; recoveryCodesLeft: number };
  password: {
    changedAt: string;
    expiresAt: string | null;
    mustChange: 'reset' | 'expired' | 'demo' | null;
    policy: { minLength: number; minClasses: number; history: number };
  };
};
type Activity = { id: number; at: string; action: string; ip: string | null };

const value = (e: Event) => (e.target as HTMLInputElement).value;

/**
 * 账号安全, open to every signed-in role: change the password, enrol (QR code, recovery codes) or turn off the second
 * factor, and see the recent sign-ins and failures. A session held to the sign-in policy lands here and may use
 * nothing else until it is met; then the app starts again with the full session.
 */
export function AccountScreen({ session }: { session: SessionInfo }) {
  const [account, setAccount] = useState<Account | null>(null);
  const [error, setError] = useState<unknown>(null);
  const restricted = (session.restrictions ?? []).length > 0;
  const load = () => get<Account>('/api/account').then(setAccount, setError);
  useEffect(() => void load(), []);
  // Once the policy is met the whole app is usable: start again with the new session.
  const done = () => (restricted ? location.assign('/') : load());

  if (!account) {
    return html`<div class="account"><h1 class="screen-title">${t('screen.account')}</h1>${error ? html`<${ErrorBox} error=${error} />` : html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`}</div>`;
  }
  const pending = session.restrictions ?? [];
  return html`<div class="account">
    <h1 class="screen-title">${t('screen.account')}</h1>
    ${account.password.mustChange && pending.includes('password_change_required') ? html`<p class="notice" role="alert">${t(`account.mustChange.${account.password.mustChange}` as MsgKey)}</p>` : null}
    ${pending.includes('second_factor_enrolment_required') && !account.secondFactor.enabled ? html`<p class="notice" role="alert">${t('account.mustEnrol')}</p>` : null}
    <${PasswordPanel} account=${account} onChanged=${done} />
    <${SecondFactorPanel} account=${account} onChanged=${done} />
    <${ActivityPanel} session=${session} />
  </div>`;
}

function PasswordPanel({ account, onChanged }: { account: Account; onChanged: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const p = account.password;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (next !== again) return setError(new Error(t('account.mismatch')));
    setBusy(true);
    try {
      await post('/api/account/password', { current, next });
      announce(t('account.passwordChanged'));
      setCurrent('');
      setNext('');
      setAgain('');
      setError(null);
      onChanged();
    } catch (err) {
      setError(err);
    }
    setBusy(false);
  };
  return html`<${Panel} title=${t('account.password')} id="account-password">
    <p class="muted small">${t('account.policy', { length: p.policy.minLength, classes: p.policy.minClasses, history: p.policy.history })}</p>
    ${p.expiresAt ? html`<p class="muted small">${t('account.passwordExpires', { at: fullTime(p.expiresAt) })}</p>` : null}
    <form onSubmit=${submit}>
      <label for="pw-current">${t('account.current')}</label>
      <input id="pw-current" type="password" autocomplete="current-password" required value=${current} onInput=${(e: Event) => setCurrent(value(e))} />
      <label for="pw-next">${t('account.next')}</label>
      <input id="pw-next" type="password" autocomplete="new-password" required value=${next} onInput=${(e: Event) => setNext(value(e))} />
      <label for="pw-again">${t('account.confirm')}</label>
      <input id="pw-again" type="password" autocomplete="new-password" required value=${again} onInput=${(e: Event) => setAgain(value(e))} />
      <${ErrorBox} error=${error} />
      <button type="submit" class="primary" disabled=${busy}>${t('account.changePassword')}</button>
    </form>
  <//>`;
}

function SecondFactorPanel({ account, onChanged }: { account: Account; onChanged: () => void }) {
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const sf = account.secondFactor;
  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    }
    setBusy(false);
  };
  const start = () => act(async () => setEnrolment(await post('/api/account/second-factor/enrol')));
  const confirm = (e: Event) => {
    e.preventDefault();
    void act(async () => {
      const r = await post<{ recoveryCodes: string[] }>('/api/account/second-factor/confirm', { code });
      setEnrolment(null);
      setCode('');
      setCodes(r.recoveryCodes);
    });
  };
  const disable = (e: Event) => {
    e.preventDefault();
    void act(async () => {
      await post('/api/account/second-factor/disable', { code });
      setCode('');
      onChanged();
    });
  };

  let body: ComponentChildren;
  if (codes) {
    body = html`<p>${t('account.recoveryHelp')}</p>
      <ul class="recovery-codes" aria-label=${t('account.recoveryCodes')}>${codes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
      <button type="button" class="primary" onClick=${() => (setCodes(null), onChanged())}>${t('account.saved')}</button>`;
  } else if (enrolment) {
    body = html`<p>${t('account.scan')}</p>
      <div class="enrol-qr"><${QrCode} text=${enrolment.otpauthUri} label=${t('account.qr')} /></div>
      <p>${t('account.secret')}: <span class="secret" data-secret=${enrolment.secret}>${enrolment.secret}</span></p>
      <form onSubmit=${confirm}>
        <label for="sf-code">${t('account.code')}</label>
        <input id="sf-code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required value=${code} onInput=${(e: Event) => setCode(value(e))} />
        <${ErrorBox} error=${error} />
        <button type="submit" class="primary" disabled=${busy}>${t('account.confirmEnrol')}</button>
      </form>`;
  } else if (sf.enabled) {
    body = html`<p>${t('account.sfEnabled', { at: fullTime(sf.enabledAt), n: sf.recoveryCodesLeft })}</p>
      ${
        sf.required
          ? html`<p class="muted small">${t('account.sfRequired')}</p>`
          : html`<form onSubmit=${disable}>
              <label for="sf-off-code">${t('account.disableCode')}</label>
              <input id="sf-off-code" autocomplete="one-time-code" required value=${code} onInput=${(e: Event) => setCode(value(e))} />
              <${ErrorBox} error=${error} />
              <button type="submit" disabled=${busy}>${t('account.disable')}</button>
            </form>`
      }`;
  } else {
    body = html`<p>${t('account.sfDisabled')} ${sf.required ? t('account.sfRequired') : ''}</p>
      <${ErrorBox} error=${error} />
      <button type="button" class="primary" disabled=${busy} onClick=${start}>${t('account.enrol')}</button>`;
  }
  return html`<${Panel} title=${t('account.secondFactor')} id="account-second-factor">${body}<//>`;
}

function ActivityPanel({ session }: { session: SessionInfo }) {
  const [items, setItems] = useState<Activity[]>([]);
  useEffect(() => {
    get<{ items: Activity[] }>('/api/account/sign-in-activity').then(
      (r) => setItems(r.items),
      () => {},
    );
  }, []);
  const f = session.failedSignIns;
  return html`<${Panel} title=${t('account.activity')} id="account-activity">
    ${
      f && f.count > 0
        ? html`<p role="status" data-failed-count=${f.count}>
            ${t('account.failedSince', { n: f.count })}; ${t('account.lastFailed', { at: fullTime(f.lastAt), addresses: f.addresses.join('、') || '—' })}
          </p>`
        : html`<p class="muted">${t('account.noFailures')}</p>`
    }
    <table class="list">
      <thead>
        <tr><th scope="col">${t('account.at')}</th><th scope="col">${t('account.event')}</th><th scope="col">${t('account.address')}</th></tr>
      </thead>
      <tbody>
        ${items.map((a) => html`<tr><td>${fullTime(a.at)}</td><td>${t(`activity.${a.action}` as MsgKey)}</td><td>${a.ip ?? '—'}</td></tr>`)}
      </tbody>
    </table>
  <//>`;
}
