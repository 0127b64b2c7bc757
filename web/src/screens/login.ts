import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { get, post } from '../api.ts';
import type { Role, SessionInfo } from '../types.ts';
import { ErrorBox, lbl } from '../ui/common.ts';

type Challenge = { next: 'second_factor'; challenge: string; demo?: { code: string; validInSeconds: number } };
type Answer = Challenge | (SessionInfo & { next: 'session' });
type Demo = { demo: false } | { demo: true; password: string; accounts: { username: string; role: Role; displayName: string; secondFactor: boolean }[] };

const value = (e: Event) => (e.target as HTMLInputElement).value;

/** Signing in: username and password, then — for an account with a second factor — a code. */
export function Login({ onLogin }: { onLogin: (s: SessionInfo) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [demo, setDemo] = useState<Demo>({ demo: false });
  useEffect(() => {
    get<Demo>('/api/auth/demo').then(setDemo, () => {});
  }, []);

  const run = async (call: () => Promise<Answer>) => {
    setBusy(true);
    setError(null);
    try {
      const r = await call();
      if (r.next === 'second_factor') {
        setChallenge(r);
        setCode('');
        setBusy(false);
      } else onLogin(r);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const submit = (e: Event) => {
    e.preventDefault();
    void run(() => post<Answer>('/api/auth/login', { username, password }));
  };
  const verify = (e: Event) => {
    e.preventDefault();
    void run(() => post<Answer>('/api/auth/login/second-factor', { challenge: challenge!.challenge, code }));
  };
  const back = () => {
    setChallenge(null);
    setError(null);
  };

  if (challenge) {
    return html`<main id="main" class="login">
      <form class="card login-card" onSubmit=${verify} aria-labelledby="login-h">
        <h1 id="login-h">${t('login.secondStep')}</h1>
        <p class="muted">${t('login.secondStepHelp')}</p>
        <label for="login-code">${t('login.code')}</label>
        <input id="login-code" name="code" autocomplete="one-time-code" inputmode="text" required autofocus value=${code} onInput=${(e: Event) => setCode(value(e))} />
        ${challenge.demo ? html`<${DemoCode} demo=${challenge.demo} onUse=${setCode} />` : null}
        <${ErrorBox} error=${error} />
        <button type="submit" class="primary" disabled=${busy}>${t('login.verify')}</button>
        <button type="button" class="link small" onClick=${back}>${t('login.back')}</button>
      </form>
    </main>`;
  }
  return html`<main id="main" class="login">
    <form class="card login-card" onSubmit=${submit} aria-labelledby="login-h">
      <h1 id="login-h">${t('app.name')}</h1>
      <p class="muted">${t('login.subtitle')}</p>
      <label for="login-user">${t('login.username')}</label>
      <input id="login-user" name="username" autocomplete="username" required autofocus value=${username} onInput=${(e: Event) => setUsername(value(e))} />
      <label for="login-pass">${t('login.password')}</label>
      <input id="login-pass" name="password" type="password" autocomplete="current-password" required value=${password} onInput=${(e: Event) => setPassword(value(e))} />
      <${ErrorBox} error=${error} />
      <button type="submit" class="primary" disabled=${busy}>${t('login.submit')}</button>
      <p class="muted small"><a href="/lookup">${t('login.lookupLink')}</a></p>
    </form>
    ${
      demo.demo
        ? html`<${DemoAccounts}
            demo=${demo}
            onPick=${(name: string) => {
              setUsername(name);
              setPassword(demo.password);
            }}
          />`
        : null
    }
  </main>`;
}

/** 演示模式: the next code the demo account's second factor accepts, with the wait when it is not valid yet. */
function DemoCode({ demo, onUse }: { demo: { code: string; validInSeconds: number }; onUse: (c: string) => void }) {
  return html`<p class="demo-code" data-demo-code=${demo.code} data-valid-in=${demo.validInSeconds}>
    <span class="badge">${t('login.demoMode')}</span> ${t('login.demoCode')}<strong>${demo.code}</strong>
    ${demo.validInSeconds > 0 ? t('login.demoCodeWait', { n: demo.validInSeconds }) : ''}
    <button type="button" class="small" onClick=${() => onUse(demo.code)}>${t('login.useDemoCode')}</button>
  </p>`;
}

/** The demo accounts (demo mode only), each marked 演示账号; a click fills in the form. */
function DemoAccounts({ demo, onPick }: { demo: Demo & { demo: true }; onPick: (username: string) => void }) {
  return html`<section class="card login-demo" aria-labelledby="demo-h">
    <h2 id="demo-h">${t('login.demoAccounts')}</h2>
    <p class="muted small">${t('login.demoPassword', { password: demo.password })}</p>
    <ul class="demo-accounts">
      ${demo.accounts.map(
        (a) => html`<li>
          <button type="button" class="link" onClick=${() => onPick(a.username)}>
            <span class="badge">${t('login.demoAccount')}</span> <code>${a.username}</code> ${a.displayName} · ${lbl('role', a.role)}
            ${a.secondFactor ? html` · <span class="muted">${t('login.needsCode')}</span>` : null}
          </button>
        </li>`,
      )}
    </ul>
  </section>`;
}
