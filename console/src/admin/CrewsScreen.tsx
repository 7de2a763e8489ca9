import { useEffect, useMemo, useState } from 'react';
import type { CrewMemberDto, ShiftDto } from '@dispatch/protocol';
import { CrewMemberInput } from '@dispatch/protocol';
import { useLiveContext } from '../realtime/useLive';
import { AdminList, CodeChecks, confirmDelete, Field, FormPanel, PAGE_SIZE, useChoices, useForm, useListState, usePage } from './kit';
import { useAdminI18n } from './words';

const DAY_MS = 24 * 3600_000;
const CREW_ROLES = CrewMemberInput.shape.crewRole.options;

/** Monday 00:00 (local time) of the week `offset` weeks from this one. */
function weekStart(offset: number): Date {
  const now = new Date();
  const monday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - ((now.getDay() + 6) % 7));
  return new Date(monday.getTime() + offset * 7 * DAY_MS);
}

/** A local instant as the record wants it: with its offset (2026-12-03T08:00:00+08:00). */
function withOffset(date: Date): string {
  const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
  return `${local}${offset >= 0 ? '+' : '-'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** The value of a datetime-local input for a local instant. */
const inputValue = (date: Date) => withOffset(date).slice(0, 16);
const hhmm = (at: string | Date) => {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

/**
 * The roster: crew members on the left, and a week of shifts as a grid (one row per vehicle, one column per day) with
 * the form to staff a vehicle for a period. A crew member with a login of its own signs on to the vehicle of its
 * shift by logging in on the tablet (migration 016's rostered_vehicle).
 */
export function CrewsScreen() {
  const { api, connection } = useLiveContext();
  const i18n = useAdminI18n();
  const { t, lang, name, label, error } = i18n;
  const list = useListState<'name' | 'crewRole'>('name');
  const { page } = usePage('crewMemberPage', ['crewMember'], { page: list.page, pageSize: PAGE_SIZE, sort: list.sort, q: list.q || undefined });
  const stations = useChoices('listStations', ['station']);
  const vehicles = useChoices('listVehicles', ['vehicle']);
  const members = useChoices('listCrewMembers', ['crewMember']);
  const logins = useChoices('listUsers', ['user']);
  const withLogin = useMemo(() => new Set(logins.flatMap((u) => (u.crewMemberId ? [u.crewMemberId] : []))), [logins]);

  const [week, setWeek] = useState(0);
  const from = weekStart(week);
  const to = new Date(from.getTime() + 7 * DAY_MS);
  const [shifts, setShifts] = useState<ShiftDto[]>([]);
  const [gridError, setGridError] = useState<unknown>(null);
  const fromIso = withOffset(from);
  const toIso = withOffset(to);
  const [reloads, setReloads] = useState(0);
  const loadShifts = () => setReloads((n) => n + 1);
  useEffect(() => {
    let current = true;
    api.call('listShifts', { query: { from: fromIso, to: toIso } }).then(
      (list) => current && setShifts(list),
      (e: unknown) => current && setGridError(e),
    );
    return () => {
      current = false;
    };
  }, [api, fromIso, toIso, reloads]);
  useEffect(() => connection.subscribeChanges((c) => (c.kind === 'shift' || c.kind === 'crewMember') && setReloads((n) => n + 1)), [connection]);

  // A new crew member
  const [member, setMember] = useState({ name: '', crewRole: 'driver' as CrewMemberDto['crewRole'], phone: '', stationId: '' });
  const memberForm = useForm(['name', 'crewRole', 'phone', 'stationId']);
  const addMember = () =>
    memberForm.submit(member, async () => {
      const created = await api.call('createCrewMember', { body: { name: member.name, crewRole: member.crewRole, phone: member.phone.trim() || null, stationId: member.stationId || null } });
      setMember({ ...member, name: '', phone: '' });
      return (w) => w.t('savedName', { name: created.name });
    });

  // A new shift
  const [shift, setShift] = useState(() => {
    const start = new Date();
    start.setMinutes(0, 0, 0);
    return { vehicleId: '', startsAt: inputValue(start), endsAt: inputValue(new Date(start.getTime() + 12 * 3600_000)), memberIds: [] as string[] };
  });
  const shiftForm = useForm(['vehicleId', 'startsAt', 'endsAt', 'memberIds']);
  const instant = (value: string) => (value ? withOffset(new Date(value)) : '');
  const addShift = () =>
    shiftForm.submit(shift, async () => {
      await api.call('createShift', { body: { vehicleId: shift.vehicleId, startsAt: instant(shift.startsAt), endsAt: instant(shift.endsAt), memberIds: shift.memberIds } });
      loadShifts();
      return (w) => w.t('saved');
    });
  const removeShift = (id: string) => void api.call('deleteShift', { params: { id } }).then(loadShifts, setGridError);

  const days = Array.from({ length: 7 }, (_, i) => new Date(from.getTime() + i * DAY_MS));
  const today = new Date().toDateString();
  const dayFormat = new Intl.DateTimeFormat(lang, { weekday: 'short', month: 'numeric', day: 'numeric' });
  const memberName = (id: string) => members.find((m) => m.id === id)?.name ?? '?';
  const rows = [...vehicles].sort((a, b) => a.callSign.localeCompare(b.callSign));
  // The members offered for a shift: those of the vehicle's station, those of none, and those already chosen.
  const chosenVehicle = vehicles.find((v) => v.id === shift.vehicleId);
  const eligible = members.filter((m) => !chosenVehicle || !m.stationId || m.stationId === chosenVehicle.homeStationId || shift.memberIds.includes(m.id));

  return (
    <div className="admin-screen roster" data-testid="admin-crews">
      <div className="admin-side">
        <AdminList
          title={t('crewsTitle')}
          hint="hintMembers"
          list={list}
          page={page}
          style={{ flex: 'none', maxHeight: '55%' }}
          columns={[{ label: 'colName', sortKey: 'name' }, { label: 'colCrewRole', sortKey: 'crewRole' }, { label: 'colStation' }, { label: 'actions' }]}
          row={(m) => {
            const station = stations.find((s) => s.id === m.stationId);
            return (
              <tr key={m.id} data-testid={`member-${m.name}`}>
                <td>
                  {m.name}
                  {withLogin.has(m.id) ? <span className="badge cap login-badge">{t('hasLogin')}</span> : null}
                </td>
                <td className="nowrap">{label('crewRole', m.crewRole)}</td>
                <td>{station ? name(station) : ''}</td>
                <td>
                  <button type="button" className="danger small" onClick={() => void confirmDelete(m.name, () => api.call('deleteCrewMember', { params: { id: m.id } }), i18n, memberForm.say)}>
                    {t('delete')}
                  </button>
                </td>
              </tr>
            );
          }}
        />
        <FormPanel title={t('newMember')} testId="member-form" onSubmit={() => void addMember()} busy={memberForm.busy} general={memberForm.problems.general}>
          <Field name="name" label={t('colName')} problem={memberForm.problems.fields.name}>
            <input name="name" value={member.name} onChange={(e) => setMember({ ...member, name: e.target.value })} autoComplete="off" />
          </Field>
          <Field name="crewRole" label={t('colCrewRole')} problem={memberForm.problems.fields.crewRole}>
            <select name="crewRole" value={member.crewRole} onChange={(e) => setMember({ ...member, crewRole: e.target.value as CrewMemberDto['crewRole'] })}>
              {CREW_ROLES.map((r) => (
                <option key={r} value={r}>
                  {label('crewRole', r)}
                </option>
              ))}
            </select>
          </Field>
          <Field name="phone" label={t('colPhone')} problem={memberForm.problems.fields.phone}>
            <input name="phone" value={member.phone} onChange={(e) => setMember({ ...member, phone: e.target.value })} inputMode="tel" />
          </Field>
          <Field name="stationId" label={t('colStation')} problem={memberForm.problems.fields.stationId}>
            <select name="stationId" value={member.stationId} onChange={(e) => setMember({ ...member, stationId: e.target.value })}>
              <option value="">—</option>
              {stations.map((s) => (
                <option key={s.id} value={s.id}>
                  {name(s)}
                </option>
              ))}
            </select>
          </Field>
          {memberForm.note ? <div className="form-note">{memberForm.note}</div> : null}
        </FormPanel>
      </div>
      <div className="admin-side">
        <section className="panel admin-list" style={{ flex: '1 1 auto' }} data-testid="roster">
          <div className="panel-title">{t('rosterTitle')}</div>
          <div className="week-bar">
            <button type="button" onClick={() => setWeek(week - 1)} data-testid="prev-week">
              {t('prevWeek')}
            </button>
            <button type="button" onClick={() => setWeek(0)}>
              {t('thisWeek')}
            </button>
            <button type="button" onClick={() => setWeek(week + 1)} data-testid="next-week">
              {t('nextWeek')}
            </button>
            <span className="week-label">{t('weekOf', { from: dayFormat.format(days[0]!), to: dayFormat.format(days[6]!) })}</span>
          </div>
          {gridError ? <div className="error">{error(gridError)}</div> : null}
          <div className="scroll">
            <table className="roster-grid">
              <thead>
                <tr>
                  <th className="vehicle-col">{t('shiftVehicle')}</th>
                  {days.map((d) => (
                    <th key={d.toISOString()} className={d.toDateString() === today ? 'today' : ''}>
                      {dayFormat.format(d)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((v) => (
                  <tr key={v.id} data-testid={`roster-${v.callSign}`}>
                    <td className="vehicle">{v.callSign}</td>
                    {days.map((d) => {
                      const end = d.getTime() + DAY_MS;
                      const inDay = shifts.filter((s) => s.vehicleId === v.id && Date.parse(s.startsAt) < end && Date.parse(s.endsAt) > d.getTime());
                      return (
                        <td key={d.toISOString()} className={d.toDateString() === today ? 'today' : ''}>
                          {inDay.map((s) => (
                            <span key={s.id} className="shift-chip" data-testid="shift-chip">
                              <button type="button" title={t('deleteShift')} aria-label={t('deleteShift')} onClick={() => removeShift(s.id)}>
                                ×
                              </button>
                              <span className="mono">{hhmm(s.startsAt)}–{hhmm(s.endsAt)}</span>
                              <span className="who">{s.memberIds.map(memberName).join('、') || t('noShift')}</span>
                            </span>
                          ))}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <FormPanel title={t('newShift')} testId="shift-form" onSubmit={() => void addShift()} busy={shiftForm.busy} general={shiftForm.problems.general}>
          <div className="field-pair">
            <Field name="vehicleId" label={t('shiftVehicle')} problem={shiftForm.problems.fields.vehicleId}>
              <select name="vehicleId" value={shift.vehicleId} onChange={(e) => setShift({ ...shift, vehicleId: e.target.value })}>
                <option value="">{t('chooseVehicle')}</option>
                {rows.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.callSign}
                  </option>
                ))}
              </select>
            </Field>
            <div />
            <Field name="startsAt" label={t('startsAt')} problem={shiftForm.problems.fields.startsAt}>
              <input type="datetime-local" name="startsAt" value={shift.startsAt} onChange={(e) => setShift({ ...shift, startsAt: e.target.value })} />
            </Field>
            <Field name="endsAt" label={t('endsAt')} problem={shiftForm.problems.fields.endsAt}>
              <input type="datetime-local" name="endsAt" value={shift.endsAt} onChange={(e) => setShift({ ...shift, endsAt: e.target.value })} />
            </Field>
          </div>
          <Field name="memberIds" label={t('members')} problem={shiftForm.problems.fields.memberIds}>
            <CodeChecks
              name="memberIds"
              codes={eligible.map((m) => m.id)}
              chosen={shift.memberIds}
              label={(id) => `${memberName(id)} · ${label('crewRole', members.find((m) => m.id === id)!.crewRole)}`}
              onChange={(memberIds) => setShift({ ...shift, memberIds })}
            />
          </Field>
          {shiftForm.note ? <div className="form-note" data-testid="shift-note">{shiftForm.note}</div> : null}
        </FormPanel>
      </div>
    </div>
  );
}
