/** The panels of 安全管理 besides the accounts: second-factor policy, failed sign-ins, sessions, API tokens, keys. */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { get, post, request } from '../api.ts';
import { fullTime } from '../format.ts';
import type { Role } from '../types.ts';
import { announce, Empty, ErrorBox, Panel, lbl } from '../ui/common.ts';
import { ROLES } from '../../../src/contract/vocab.ts';

/** One GET, its error, and a reload: what each panel of this screen reads. */
export function useResource<T>(path: string) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = () =>
    get<T>(path).then(
      (d) => (setData(d), setError(null)),
      (e) => setError(e),
    );
  useEffect(() => void reload(), [path]);
  return { data, error, reload };
}

/** Runs a write, announces it, reloads; keeps the error for the panel to show. */
function useAction(reload: () => void) {
  const [error, setError] = useState<unknown>(null);
  const run = async <T>(what: () => Promise<T>, done: string): Promise<T | null> => {
    setError(null);
    try {
      const r = await what();
      announce(done);
      reload();
      return r;
    } catch (e) {
      setError(e);
      return null;
    }
  };
  return { error, run };
}

const Loading = () => html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`;

export function SecondFactorPolicyPanel() {
  const policy = useResource<{ requiredRoles: Role[]; mandatoryRoles?: Role[]; updatedAt: string | null }>('/api/security/second-factor-policy');
  const [roles, setRoles] = useState<Role[] | null>(null);
  const action = useAction(policy.reload);
  const chosen = roles ?? policy.data?.requiredRoles ?? [];
  // The three administrators and supervisors always need a second factor: shown ticked, not to be unticked.
  const mandatory = policy.data?.mandatoryRoles ?? [];
  const toggle = (r: Role) => {
    if (!mandatory.includes(r)) setRoles(chosen.includes(r) ? chosen.filter((x) => x !== r) : [...chosen, r]);
  };
  const save = (e: Event) => {
    e.preventDefault();
    void action.run(() => request('PUT', '/api/security/second-factor-policy', { requiredRoles: chosen }), t('sec.policySaved'));
  };
  return html`<${Panel} title=${t('sec.policy')} id="sec-policy">
    <p class="hint">${t('sec.policyHint')}</p>
    <${ErrorBox} error=${action.error ?? policy.error} />
    ${
      policy.data
        ? html`<form onSubmit=${save}>
          <fieldset><legend>${t('sec.policyRoles')}</legend>
            ${ROLES.map(
              (r) =>
                html`<label class="check"><input type="checkbox" name="requiredRoles" value=${r} checked=${chosen.includes(r) || mandatory.includes(r)} disabled=${mandatory.includes(r)} onChange=${() => toggle(r)} /> ${lbl('role', r)}${mandatory.includes(r) ? html` <small class="hint">${t('sec.policyMandatory')}</small>` : null}</label>`,
            )}
          </fieldset>
          ${policy.data.updatedAt ? html`<p class="hint">${t('sec.updatedAt', { at: fullTime(policy.data.updatedAt) })}</p>` : null}
          <button type="submit">${t('sec.save')}</button>
        </form>`
        : policy.error
          ? null
          : html`<${Loading} />`
    }
  <//>`;
}

type Failure = { id: number; at: string; action: string; username: string | null; ip: string | null; reason: string | null };

export function LoginFailuresPanel() {
  const failures = useResource<{ items: Failure[]; blocked?: { kind: string; key: string; blockedUntil: string }[] }>('/api/security/login-failures?limit=50');
  const d = failures.data;
  return html`<${Panel} title=${t('sec.failures')} id="sec-failures">
    <${ErrorBox} error=${failures.error} />
    ${
      !d
        ? failures.error
          ? null
          : html`<${Loading} />`
        : d.items.length === 0
          ? html`<${Empty} text=${t('sec.noFailures')} />`
          : html`<table class="list">
            <thead><tr><th scope="col">${t('sec.at')}</th><th scope="col">${t('sec.username')}</th><th scope="col">${t('sec.ip')}</th><th scope="col">${t('sec.what')}</th></tr></thead>
            <tbody>${d.items.map(
              (f) =>
                html`<tr><td>${fullTime(f.at)}</td><td>${f.username ?? '—'}</td><td>${f.ip ?? '—'}</td><td>${f.action === 'login_throttled' ? t('sec.throttled') : lbl('activity', f.action)}${f.reason ? ` · ${f.reason}` : ''}</td></tr>`,
            )}</tbody>
          </table>`
    }
    ${d?.blocked?.length ? html`<p class="hint">${t('sec.blockedNow', { n: d.blocked.length })}</p>` : null}
  <//>`;
}

type LiveSession = {
  id: string;
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
};

export function SessionsPanel() {
  const sessions = useResource<{ items: LiveSession[] }>('/api/security/sessions');
  const action = useAction(sessions.reload);
  const revoke = (s: LiveSession) => action.run(() => post(`/api/security/sessions/${s.id}/revoke`), t('sec.sessionRevoked', { user: s.username }));
  const items = sessions.data?.items;
  return html`<${Panel} title=${t('sec.sessions')} id="sec-sessions">
    <${ErrorBox} error=${action.error ?? sessions.error} />
    ${
      !items
        ? sessions.error
          ? null
          : html`<${Loading} />`
        : html`<table class="list">
          <thead><tr>
            <th scope="col">${t('sec.user')}</th><th scope="col">${t('sec.role')}</th><th scope="col">${t('sec.ip')}</th><th scope="col">${t('sec.userAgent')}</th>
            <th scope="col">${t('sec.createdAt')}</th><th scope="col">${t('sec.lastSeen')}</th><th scope="col">${t('sec.actions')}</th>
          </tr></thead>
          <tbody>${items.map(
            (s) => html`<tr data-session=${s.id.slice(0, 12)}>
              <th scope="row">${s.displayName} <span class="hint">${s.username}</span></th>
              <td>${lbl('role', s.role)}</td><td>${s.ip ?? '—'}</td><td class="ua">${s.userAgent ?? '—'}</td>
              <td>${fullTime(s.createdAt)}</td><td>${fullTime(s.lastSeenAt)}</td>
              <td>${s.current ? html`<span class="hint">${t('sec.thisSession')}</span>` : html`<button type="button" class="small" onClick=${() => revoke(s)}>${t('sec.revoke')}</button>`}</td>
            </tr>`,
          )}</tbody>
        </table>`
    }
  <//>`;
}

type Token = { id: number; name: string; prefix: string; userId: number; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

export function TokensPanel({ accounts }: { accounts: { id: number; username: string; role: Role }[] }) {
  const tokens = useResource<{ items: Token[] }>('/api/security/tokens');
  const action = useAction(tokens.reload);
  const [issued, setIssued] = useState<{ name: string; token: string } | null>(null);
  const clients = accounts.filter((a) => a.role === 'intake_client');
  const [form, setForm] = useState({ userId: '', name: '' });
  const owner = (id: number) => accounts.find((a) => a.id === id)?.username ?? `#${id}`;
  const issue = async (e: Event) => {
    e.preventDefault();
    const r = await action.run(
      () => post<{ token: string; name: string }>('/api/security/tokens', { userId: Number(form.userId || clients[0]?.id), name: form.name }),
      t('sec.tokenIssued'),
    );
    if (r) setIssued({ name: r.name, token: r.token });
  };
  const revoke = (tk: Token) => action.run(() => request('DELETE', `/api/security/tokens/${tk.id}`), t('sec.tokenRevoked', { name: tk.name }));
  return html`<${Panel} title=${t('sec.tokens')} id="sec-tokens">
    <${ErrorBox} error=${action.error ?? tokens.error} />
    ${
      issued
        ? html`<div class="notice" role="alert"><p>${t('sec.tokenOnce', { name: issued.name })}</p><p><code>${issued.token}</code></p>
            <button type="button" class="small" onClick=${() => setIssued(null)}>${t('sec.hide')}</button></div>`
        : null
    }
    ${
      tokens.data
        ? html`<table class="list">
          <thead><tr><th scope="col">${t('sec.tokenName')}</th><th scope="col">${t('sec.prefix')}</th><th scope="col">${t('sec.owner')}</th>
            <th scope="col">${t('sec.lastUsed')}</th><th scope="col">${t('sec.status')}</th><th scope="col">${t('sec.actions')}</th></tr></thead>
          <tbody>${tokens.data.items.map(
            (tk) => html`<tr>
              <th scope="row">${tk.name}</th><td><code>${tk.prefix}…</code></td><td>${owner(tk.userId)}</td><td>${tk.lastUsedAt ? fullTime(tk.lastUsedAt) : '—'}</td>
              <td>${tk.revokedAt ? t('sec.revokedAt', { at: fullTime(tk.revokedAt) }) : t('sec.active')}</td>
              <td>${tk.revokedAt ? null : html`<button type="button" class="small" onClick=${() => revoke(tk)}>${t('sec.revoke')}</button>`}</td>
            </tr>`,
          )}</tbody>
        </table>`
        : tokens.error
          ? null
          : html`<${Loading} />`
    }
    ${
      clients.length
        ? html`<form class="inline" onSubmit=${issue}>
          <label>${t('sec.owner')}
            <select value=${form.userId} onChange=${(e: Event) => setForm({ ...form, userId: (e.target as HTMLSelectElement).value })}>
              ${clients.map((c) => html`<option value=${String(c.id)}>${c.username}</option>`)}
            </select>
          </label>
          <label>${t('sec.tokenName')} <input value=${form.name} onInput=${(e: Event) => setForm({ ...form, name: (e.target as HTMLInputElement).value })} required minlength="2" /></label>
          <button type="submit">${t('sec.issue')}</button>
        </form>`
        : null
    }
  <//>`;
}

type KeyStatus = {
  activeKeyId: string;
  keyIds: string[];
  columns: { column: string; byKey: Record<string, number>; legacy: number }[];
  totals: { byKey: Record<string, number>; legacy: number };
  missingKeyIds: string[];
};

export function KeysPanel() {
  const keys = useResource<KeyStatus>('/api/security/keys');
  const k = keys.data;
  const ids = k ? [...new Set([...k.keyIds, ...Object.keys(k.totals.byKey)])] : [];
  return html`<${Panel} title=${t('sec.keys')} id="sec-keys">
    <p class="hint">${t('sec.keysHint')}</p>
    <${ErrorBox} error=${keys.error} />
    ${
      !k
        ? keys.error
          ? null
          : html`<${Loading} />`
        : html`<p data-active-key=${k.activeKeyId}>${t('sec.activeKey', { id: k.activeKeyId, ids: k.keyIds.join('、') })}</p>
          ${k.missingKeyIds.length ? html`<p class="banner warn" role="alert">${t('sec.missingKeys', { ids: k.missingKeyIds.join('、') })}</p>` : null}
          ${k.totals.legacy ? html`<p class="banner warn">${t('sec.legacyLeft', { n: k.totals.legacy })}</p>` : null}
          <table class="list">
            <thead><tr><th scope="col">${t('sec.column')}</th>${ids.map((id) => html`<th scope="col">${t('sec.underKey', { id })}</th>`)}<th scope="col">${t('sec.legacy')}</th></tr></thead>
            <tbody>${k.columns.map(
              (c) => html`<tr><th scope="row"><code>${c.column}</code></th>${ids.map((id) => html`<td>${c.byKey[id] ?? 0}</td>`)}<td>${c.legacy}</td></tr>`,
            )}</tbody>
          </table>`
    }
  <//>`;
}
