import { useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { post } from '../api.ts';
import { fullTime } from '../format.ts';
import type { Role, SessionInfo } from '../types.ts';
import { announce, Empty, ErrorBox, Panel, lbl } from '../ui/common.ts';
import { ADMIN_ROLES, ROLES } from '../../../src/contract/vocab.ts';
import { KeysPanel, LoginFailuresPanel, SecondFactorPolicyPanel, SessionsPanel, TokensPanel, useResource } from './security-parts.ts';

export type Account = {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  unitId: number;
  active: boolean;
  secondFactor: boolean;
  mustChangePassword: boolean;
  lastLoginAt: string | null;
};
type Unit = { id: number; name: string; kind: string };

/**
 * 安全管理 (the security administrator): accounts with their role and status (change a role, reset a password — the
 * temporary one shown once —, reset a second factor), which roles must use a second factor, recent failed sign-ins,
 * live sessions, API tokens and the data keys' status. No ticket, figure or audit row is read here.
 */
export function SecurityScreen({ session }: { session: SessionInfo }) {
  const accounts = useResource<{ items: Account[] }>('/api/security/users');
  return html`<div class="security">
    <h1 class="screen-title">${t('screen.security')}</h1>
    <${UsersPanel} session=${session} accounts=${accounts.data?.items ?? null} error=${accounts.error} reload=${accounts.reload} />
    <${SecondFactorPolicyPanel} />
    <${LoginFailuresPanel} />
    <${SessionsPanel} />
    <${TokensPanel} accounts=${accounts.data?.items ?? []} />
    <${KeysPanel} />
  </div>`;
}

function UsersPanel(props: { session: SessionInfo; accounts: Account[] | null; error: unknown; reload: () => void }) {
  const units = useResource<{ items: Unit[] }>('/api/units');
  const [error, setError] = useState<unknown>(null);
  const [temporary, setTemporary] = useState<{ username: string; password: string } | null>(null);
  const [filter, setFilter] = useState('');
  const f = filter.trim().toLowerCase();
  const shown = (props.accounts ?? []).filter((a) => !f || `${a.username} ${a.displayName} ${lbl('role', a.role)}`.toLowerCase().includes(f));
  const act = async (what: () => Promise<unknown>, done: string) => {
    setError(null);
    try {
      await what();
      announce(done);
      props.reload();
    } catch (e) {
      setError(e);
    }
  };
  const resetPassword = (a: Account) =>
    act(
      async () => {
        const r = await post<{ temporaryPassword: string }>(`/api/security/users/${a.id}/password-reset`);
        setTemporary({ username: a.username, password: r.temporaryPassword });
      },
      t('sec.passwordResetDone', { user: a.username }),
    );
  const resetSecondFactor = (a: Account) =>
    act(() => post(`/api/security/users/${a.id}/second-factor/reset`), t('sec.secondFactorResetDone', { user: a.username }));
  const changeRole = (a: Account, role: Role, unitId: number | null) =>
    act(
      () => post(`/api/security/users/${a.id}/role`, unitId ? { role, unitId } : { role }),
      t('sec.roleChanged', { user: a.username, role: lbl('role', role) }),
    );

  return html`<${Panel} title=${t('sec.users')} id="sec-users">
    <p class="hint">${t('sec.usersHint')}</p>
    ${
      temporary
        ? html`<div class="notice" role="alert" data-temporary-password>
            <p>${t('sec.temporaryPassword', { user: temporary.username })}</p>
            <p><code class="temporary-password">${temporary.password}</code></p>
            <p class="hint">${t('sec.temporaryPasswordOnce')}</p>
            <button type="button" class="small" onClick=${() => setTemporary(null)}>${t('sec.hide')}</button>
          </div>`
        : null
    }
    <${ErrorBox} error=${error ?? props.error} />
    <label for="sec-filter">${t('sec.filter')}</label>
    <input id="sec-filter" type="search" value=${filter} onInput=${(e: Event) => setFilter((e.target as HTMLInputElement).value)} />
    ${
      props.accounts === null
        ? html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`
        : html`<table class="list sec-users">
          <thead><tr>
            <th scope="col">${t('sec.user')}</th><th scope="col">${t('sec.role')}</th><th scope="col">${t('sec.status')}</th>
            <th scope="col">${t('sec.secondFactor')}</th><th scope="col">${t('sec.lastLogin')}</th><th scope="col">${t('sec.actions')}</th>
          </tr></thead>
          <tbody>${shown.map(
            (a) => html`<${AccountRow}
              account=${a}
              self=${a.id === props.session.user.id}
              units=${units.data?.items ?? []}
              onRole=${changeRole}
              onResetPassword=${resetPassword}
              onResetSecondFactor=${resetSecondFactor}
            />`,
          )}</tbody>
        </table>`
    }
    <${NewAdministrator} units=${units.data?.items ?? []} onCreated=${props.reload} />
  <//>`;
}

function AccountRow(props: {
  account: Account;
  self: boolean;
  units: Unit[];
  onRole: (a: Account, role: Role, unitId: number | null) => void;
  onResetPassword: (a: Account) => void;
  onResetSecondFactor: (a: Account) => void;
}) {
  const a = props.account;
  const [role, setRole] = useState<Role>(a.role);
  const [unitId, setUnitId] = useState<number | null>(null);
  // A handling unit's roles belong to a unit; the others to the centre: ask for a unit when the kind changes.
  const unitRole = (r: Role) => r === 'unit_handler' || r === 'unit_leader';
  const needsUnit = unitRole(role) !== unitRole(a.role);
  const choices = props.units.filter((u) => (unitRole(role) ? u.kind !== 'centre' : u.kind === 'centre'));
  const id = `sec-role-${a.id}`;
  return html`<tr data-user=${a.username}>
    <th scope="row">${a.displayName} <span class="hint">${a.username}</span></th>
    <td>${lbl('role', a.role)}</td>
    <td>${a.active ? t('sec.active') : t('sec.inactive')}${a.mustChangePassword ? html` · <span class="hint">${t('sec.mustChange')}</span>` : null}</td>
    <td>${a.secondFactor ? t('sec.enabled') : t('sec.notEnabled')}</td>
    <td>${a.lastLoginAt ? fullTime(a.lastLoginAt) : '—'}</td>
    <td>
      ${
        props.self
          ? html`<span class="hint">${t('sec.self')}</span>`
          : html`<label class="sr-only" for=${id}>${t('sec.newRole', { user: a.username })}</label>
            <select id=${id} value=${role} onChange=${(e: Event) => setRole((e.target as HTMLSelectElement).value as Role)}>
              ${ROLES.map((r) => html`<option value=${r}>${lbl('role', r)}</option>`)}
            </select>
            ${
              needsUnit
                ? html`<label class="sr-only" for=${`${id}-unit`}>${t('sec.unit')}</label>
                  <select id=${`${id}-unit`} value=${String(unitId ?? '')} onChange=${(e: Event) => setUnitId(Number((e.target as HTMLSelectElement).value) || null)}>
                    <option value="">${t('sec.unit')}</option>
                    ${choices.map((u) => html`<option value=${String(u.id)}>${u.name}</option>`)}
                  </select>`
                : null
            }
            <button type="button" class="small" disabled=${role === a.role} onClick=${() => props.onRole(a, role, needsUnit ? unitId : null)}>${t('sec.changeRole')}</button>
            <button type="button" class="small" onClick=${() => props.onResetPassword(a)}>${t('sec.resetPassword')}</button>
            ${a.secondFactor ? html`<button type="button" class="small" onClick=${() => props.onResetSecondFactor(a)}>${t('sec.resetSecondFactor')}</button>` : null}`
      }
    </td>
  </tr>`;
}

/** Accounts of the three administrators are created here (the system administrator creates the others). */
function NewAdministrator({ units, onCreated }: { units: Unit[]; onCreated: () => void }) {
  const [form, setForm] = useState({ username: '', displayName: '', password: '', role: 'audit_admin' as Role });
  const [error, setError] = useState<unknown>(null);
  const centre = units.find((u) => u.kind === 'centre');
  const field = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await post('/api/security/users', { ...form, unitId: centre?.id });
      announce(t('sec.created', { user: form.username }));
      setForm({ username: '', displayName: '', password: '', role: form.role });
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  if (!centre) return html`<${Empty} text=${t('common.loading')} />`;
  return html`<details class="sec-new-admin">
    <summary>${t('sec.newAdministrator')}</summary>
    <form onSubmit=${submit}>
      <label>${t('sec.username')} <input value=${form.username} onInput=${field('username')} required autocomplete="off" /></label>
      <label>${t('sec.displayName')} <input value=${form.displayName} onInput=${field('displayName')} required /></label>
      <label>${t('sec.initialPassword')} <input type="password" value=${form.password} onInput=${field('password')} required autocomplete="new-password" /></label>
      <label>${t('sec.role')}
        <select value=${form.role} onChange=${field('role')}>${ADMIN_ROLES.map((r) => html`<option value=${r}>${lbl('role', r)}</option>`)}</select>
      </label>
      <button type="submit">${t('sec.create')}</button>
      <${ErrorBox} error=${error} />
    </form>
  </details>`;
}
