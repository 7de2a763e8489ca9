import { useState } from 'react';
import { CENTRE_ROLES, DEFAULT_CENTRE_ID, Role, type UserDto } from '@dispatch/protocol';
import { useLiveContext } from '../realtime/useLive';
import { CentreField, useCentreChoice } from './CentreField';
import { AdminList, Field, FormPanel, PAGE_SIZE, useChoices, useForm, useListState, usePage } from './kit';
import { useAdminI18n } from './words';

const FIELDS = ['username', 'displayName', 'password', 'role', 'centreId', 'vehicleId', 'crewMemberId', 'hospitalId'] as const;
/** The roles a person logs in with here (the phone system's login is made by its installer). */
const ROLES = Role.options.filter((r) => r !== 'telephony');
/** A new dispatcher or supervisor works in the default centre unless another (or the province: '') is chosen. */
const blank = { username: '', displayName: '', password: '', role: 'dispatcher' as Role, crewBinding: 'vehicle' as 'vehicle' | 'member', vehicleId: '', crewMemberId: '', hospitalId: '', centreId: DEFAULT_CENTRE_ID };

/** Logins: create one with its role and binding, disable it (its sessions end at once), or give it a one-time password. */
export function UsersScreen() {
  const { api, session } = useLiveContext();
  const { t, name, label, error } = useAdminI18n();
  const { centres, several, centreName } = useCentreChoice();
  const list = useListState<'username' | 'displayName' | 'role'>('username');
  const [roleFilter, setRoleFilter] = useState<Role | ''>('');
  const { page } = usePage('userPage', ['user'], { page: list.page, pageSize: PAGE_SIZE, sort: list.sort, q: list.q || undefined, role: roleFilter || undefined });
  const vehicles = useChoices('listVehicles', ['vehicle']);
  const members = useChoices('listCrewMembers', ['crewMember']);
  const hospitals = useChoices('listHospitals', ['hospital']);
  const [draft, setDraft] = useState(blank);
  const [secret, setSecret] = useState<{ user: string; password: string } | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const { problems, note, busy, submit } = useForm(FIELDS);

  const bindingOf = (u: UserDto) => {
    if (u.vehicleId) return vehicles.find((v) => v.id === u.vehicleId)?.callSign ?? '—';
    if (u.crewMemberId) return t('rosterBinding', { name: members.find((m) => m.id === u.crewMemberId)?.name ?? '—' });
    if (u.hospitalId) {
      const hospital = hospitals.find((h) => h.id === u.hospitalId);
      return hospital ? name(hospital) : '—';
    }
    return '';
  };
  const create = async () => {
    const crew = draft.role === 'crew';
    const body = {
      username: draft.username.trim(), displayName: draft.displayName, password: draft.password, role: draft.role,
      vehicleId: crew && draft.crewBinding === 'vehicle' ? draft.vehicleId || null : null,
      crewMemberId: crew && draft.crewBinding === 'member' ? draft.crewMemberId || null : null,
      hospitalId: draft.role === 'hospital' ? draft.hospitalId || null : null,
      centreId: CENTRE_ROLES.has(draft.role) ? draft.centreId || null : null,
    };
    await submit(draft, async () => {
      const user = await api.call('createUser', { body });
      setDraft(blank);
      return (w) => w.t('savedName', { name: user.username });
    });
  };
  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setRowError(null);
    } catch (e) {
      setRowError(error(e));
    }
  };
  const setDisabled = (u: UserDto, disabled: boolean) => {
    if (disabled && !window.confirm(t('confirmDisable', { name: u.displayName }))) return;
    void act(() => api.call('setUserDisabled', { params: { id: u.id }, body: { disabled } }));
  };
  const moveTo = (u: UserDto, centreId: string | null) => {
    if (!window.confirm(t('confirmCentre', { name: u.displayName, centre: centreName(centreId) }))) return;
    void act(() => api.call('setUserCentre', { params: { id: u.id }, body: { centreId } }));
  };
  const reset = (u: UserDto) =>
    void act(async () => {
      const answer = await api.call('resetUserPassword', { params: { id: u.id } });
      setSecret({ user: answer.user.username, password: answer.temporaryPassword });
    });
  const set = (field: 'username' | 'displayName' | 'password' | 'vehicleId' | 'crewMemberId' | 'hospitalId') => ({
    name: field,
    value: draft[field],
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [field]: e.target.value })),
  });

  return (
    <div className="admin-screen" data-testid="admin-users">
      <AdminList
        title={t('usersTitle')}
        hint="hintUsers"
        list={list}
        page={page}
        filters={
          <select
            aria-label={t('colRole')}
            data-testid="role-filter"
            value={roleFilter}
            onChange={(e) => {
              setRoleFilter(e.target.value as Role | '');
              list.setPage(1);
            }}
          >
            <option value="">{t('allRoles')}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {label('role', r)}
              </option>
            ))}
          </select>
        }
        notice={rowError ? <div className="error" role="alert">{rowError}</div> : null}
        columns={[
          { label: 'colUsername', sortKey: 'username' }, { label: 'colDisplayName', sortKey: 'displayName' }, { label: 'colRole', sortKey: 'role' },
          ...(several ? [{ label: 'colCentre' as const }] : []), { label: 'colBinding' }, { label: 'colDisabled' }, { label: 'actions' },
        ]}
        row={(u) => (
          <tr key={u.id} data-testid={`row-${u.username}`}>
            <td className="mono nowrap">{u.username}</td>
            <td>{u.displayName}</td>
            <td className="nowrap">{label('role', u.role)}</td>
            {several ? (
              <td className="nowrap" data-testid="centre">
                {CENTRE_ROLES.has(u.role) ? (
                  <select aria-label={t('colCentre')} title={centreName(u.centreId)} value={u.centreId ?? ''} onChange={(e) => moveTo(u, e.target.value || null)} data-testid="row-centre">
                    <option value="">{t('provinceWide')}</option>
                    {centres.map((c) => (
                      <option key={c.id} value={c.id}>
                        {name(c)}
                      </option>
                    ))}
                  </select>
                ) : null}
              </td>
            ) : null}
            <td>{bindingOf(u)}</td>
            <td className="nowrap">{u.disabled ? <span className="state-off">{t('disabledState')}</span> : <span className="state-on">{t('active')}</span>}</td>
            <td>
              <div className="row-actions">
                {u.id === session.user.userId ? null : u.disabled ? (
                  <button type="button" onClick={() => setDisabled(u, false)} data-testid="enable">
                    {t('enable')}
                  </button>
                ) : (
                  <button type="button" className="danger" onClick={() => setDisabled(u, true)} data-testid="disable">
                    {t('disable')}
                  </button>
                )}
                <button type="button" onClick={() => reset(u)} data-testid="reset-password">
                  {t('resetPassword')}
                </button>
              </div>
            </td>
          </tr>
        )}
      />
      <div className="admin-side">
        {secret ? (
          <section className="panel" data-testid="temporary-password">
            <div className="panel-title">{t('resetPassword')}</div>
            <div className="pad">
              <p>{t('temporaryPassword', { user: secret.user })}</p>
              <div className="secret">{secret.password}</div>
              <div className="form-actions">
                <button type="button" onClick={() => setSecret(null)}>
                  {t('close')}
                </button>
              </div>
            </div>
          </section>
        ) : null}
        <FormPanel title={t('newUser')} testId="user-form" onSubmit={() => void create()} busy={busy} general={problems.general}>
          <Field name="username" label={t('colUsername')} problem={problems.fields.username}>
            <input {...set('username')} autoComplete="off" />
          </Field>
          <Field name="displayName" label={t('colDisplayName')} problem={problems.fields.displayName}>
            <input {...set('displayName')} autoComplete="off" />
          </Field>
          <Field name="password" label={t('initialPassword')} problem={problems.fields.password}>
            <input {...set('password')} type="password" autoComplete="new-password" />
          </Field>
          <Field name="role" label={t('colRole')} problem={problems.fields.role}>
            <select name="role" value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value as Role })}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {label('role', r)}
                </option>
              ))}
            </select>
          </Field>
          {several && CENTRE_ROLES.has(draft.role) ? (
            <>
              <CentreField centres={centres} province value={draft.centreId} onChange={(centreId) => setDraft((d) => ({ ...d, centreId }))} problem={problems.fields.centreId} />
              <div className="muted small">{t('centreHint')}</div>
            </>
          ) : null}
          {draft.role === 'crew' ? (
            <>
              <Field name="crewBinding" label={t('crewBinding')}>
                <div className="checks">
                  {(['vehicle', 'member'] as const).map((mode) => (
                    <label key={mode} className="check">
                      <input type="radio" name="crewBinding" value={mode} checked={draft.crewBinding === mode} onChange={() => setDraft({ ...draft, crewBinding: mode })} />
                      {t(mode === 'vehicle' ? 'bindVehicle' : 'bindMember')}
                    </label>
                  ))}
                </div>
              </Field>
              {draft.crewBinding === 'vehicle' ? (
                <Field name="vehicleId" label={t('shiftVehicle')} problem={problems.fields.vehicleId}>
                  <select {...set('vehicleId')}>
                    <option value="">{t('chooseVehicle')}</option>
                    {vehicles.map((v) => (
                      <option key={v.id} value={v.id}>
                        {v.callSign}
                      </option>
                    ))}
                  </select>
                </Field>
              ) : (
                <Field name="crewMemberId" label={t('crewsTitle')} problem={problems.fields.crewMemberId ?? problems.fields.vehicleId}>
                  <select {...set('crewMemberId')}>
                    <option value="">{t('chooseMember')}</option>
                    {members.map((m) => (
                      <option key={m.id} value={m.id}>
                        {m.name} · {label('crewRole', m.crewRole)}
                      </option>
                    ))}
                  </select>
                </Field>
              )}
            </>
          ) : null}
          {draft.role === 'hospital' ? (
            <Field name="hospitalId" label={t('chooseHospital')} problem={problems.fields.hospitalId}>
              <select {...set('hospitalId')}>
                <option value="">{t('chooseHospital')}</option>
                {hospitals.map((h) => (
                  <option key={h.id} value={h.id}>
                    {name(h)}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          {note ? <div className="form-note" data-testid="form-note">{note}</div> : null}
        </FormPanel>
      </div>
    </div>
  );
}
