import { useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { post } from '../api.ts';
import type { SessionInfo } from '../types.ts';
import { ErrorBox } from '../ui/common.ts';

export function Login({ onLogin }: { onLogin: (s: SessionInfo) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      onLogin(await post<SessionInfo>('/api/auth/login', { username, password }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return html`<main id="main" class="login">
    <form class="card login-card" onSubmit=${submit} aria-labelledby="login-h">
      <h1 id="login-h">${t('app.name')}</h1>
      <p class="muted">${t('login.subtitle')}</p>
      <label for="login-user">${t('login.username')}</label>
      <input id="login-user" name="username" autocomplete="username" required autofocus value=${username} onInput=${(e: Event) => setUsername((e.target as HTMLInputElement).value)} />
      <label for="login-pass">${t('login.password')}</label>
      <input id="login-pass" name="password" type="password" autocomplete="current-password" required value=${password} onInput=${(e: Event) => setPassword((e.target as HTMLInputElement).value)} />
      <${ErrorBox} error=${error} />
      <button type="submit" class="primary" disabled=${busy}>${t('login.submit')}</button>
      <p class="muted small"><a href="/lookup">${t('login.lookupLink')}</a></p>
    </form>
  </main>`;
}
