import { useState } from 'react';
import { DEFAULT_CENTRE_ID, StationKind, type StationDto } from '@dispatch/protocol';
import { useLiveContext } from '../realtime/useLive';
import { CentreField, useCentreChoice } from './CentreField';
import { AdminList, confirmDelete, Field, FormPanel, numberOf, PAGE_SIZE, useForm, useListState, usePage } from './kit';
import { useAdminI18n } from './words';

const FIELDS = ['code', 'name', 'nameEn', 'centreId', 'kind', 'address', 'lon', 'lat'] as const;
type Draft = Record<(typeof FIELDS)[number], string>;
const blank: Draft = { code: '', name: '', nameEn: '', centreId: DEFAULT_CENTRE_ID, kind: 'substation', address: '', lon: '', lat: '' };
const draftOf = (s: StationDto): Draft => ({
  code: s.code, name: s.name, nameEn: s.nameEn ?? '', centreId: s.centreId, kind: s.kind, address: s.address ?? '', lon: String(s.location.lon),
  lat: String(s.location.lat),
});

/** Stations: the emergency centre and its substations, where vehicles are based and from which catchments are drawn. */
export function StationsScreen() {
  const { api } = useLiveContext();
  const i18n = useAdminI18n();
  const { t, name, label } = i18n;
  const { centres, several, centreName } = useCentreChoice();
  const list = useListState<'code' | 'name' | 'kind'>('code');
  const { page } = usePage('stationPage', ['station'], { page: list.page, pageSize: PAGE_SIZE, sort: list.sort, q: list.q || undefined });
  const [editing, setEditing] = useState<StationDto | null>(null);
  const [draft, setDraft] = useState<Draft>(blank);
  const { problems, note, busy, clear, say, submit } = useForm(FIELDS);

  const open = (station: StationDto | null) => {
    setEditing(station);
    setDraft(station ? draftOf(station) : blank);
    clear();
  };
  const set = (field: keyof Draft) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [field]: e.target.value }));
  const save = async () => {
    const body = {
      code: draft.code.trim(), name: draft.name, nameEn: draft.nameEn.trim() || null, centreId: draft.centreId || undefined, kind: draft.kind as StationDto['kind'],
      address: draft.address.trim() || null, location: { lon: numberOf(draft.lon), lat: numberOf(draft.lat) },
    };
    await submit(draft, async () => {
      open(editing ? await api.call('updateStation', { params: { id: editing.id }, body }) : await api.call('createStation', { body }));
      return (w) => w.t('saved');
    });
  };

  return (
    <div className="admin-screen" data-testid="admin-stations">
      <AdminList
        title={t('stationsTitle')}
        add={{ label: t('newStation'), onClick: () => open(null) }}
        hint="hintStations"
        list={list}
        page={page}
        columns={[
          { label: 'colCode', sortKey: 'code' }, { label: 'colName', sortKey: 'name' }, ...(several ? [{ label: 'colCentre' as const }] : []),
          { label: 'colKind', sortKey: 'kind' }, { label: 'colAddress' }, { label: 'colLocation' },
        ]}
        row={(s) => (
          <tr key={s.id} className={editing?.id === s.id ? 'on' : ''} onClick={() => open(s)} data-testid={`row-${s.code}`}>
            <td className="mono nowrap">{s.code}</td>
            <td>{name(s)}</td>
            {several ? <td className="nowrap" data-testid="centre">{centreName(s.centreId)}</td> : null}
            <td className="nowrap">{label('stationKind', s.kind)}</td>
            <td>{s.address ?? ''}</td>
            <td className="mono small nowrap">{s.location.lon.toFixed(5)}, {s.location.lat.toFixed(5)}</td>
          </tr>
        )}
      />
      <div className="admin-side">
        <FormPanel
          title={editing ? t('editStation', { name: name(editing) }) : t('newStation')}
          testId="station-form"
          onSubmit={() => void save()}
          onCancel={editing ? () => open(null) : undefined}
          onDelete={editing ? () => void confirmDelete(name(editing), () => api.call('deleteStation', { params: { id: editing.id } }), i18n, say).then((gone) => gone && open(null)) : undefined}
          busy={busy}
          general={problems.general}
        >
          <Field name="code" label={t('colCode')} problem={problems.fields.code}>
            <input name="code" value={draft.code} onChange={set('code')} autoComplete="off" />
          </Field>
          <Field name="name" label={t('colName')} problem={problems.fields.name}>
            <input name="name" value={draft.name} onChange={set('name')} />
          </Field>
          <Field name="nameEn" label={t('colNameEn')} problem={problems.fields.nameEn}>
            <input name="nameEn" value={draft.nameEn} onChange={set('nameEn')} />
          </Field>
          {several ? (
            <CentreField centres={centres} value={draft.centreId} onChange={(centreId) => setDraft((d) => ({ ...d, centreId }))} problem={problems.fields.centreId} />
          ) : null}
          <Field name="kind" label={t('colKind')} problem={problems.fields.kind}>
            <select name="kind" value={draft.kind} onChange={set('kind')}>
              {StationKind.options.map((k) => (
                <option key={k} value={k}>
                  {label('stationKind', k)}
                </option>
              ))}
            </select>
          </Field>
          <Field name="address" label={t('colAddress')} problem={problems.fields.address}>
            <input name="address" value={draft.address} onChange={set('address')} />
          </Field>
          <Field name="lon" label={t('lon')} problem={problems.fields.lon}>
            <input name="lon" inputMode="decimal" value={draft.lon} onChange={set('lon')} />
          </Field>
          <Field name="lat" label={t('lat')} problem={problems.fields.lat}>
            <input name="lat" inputMode="decimal" value={draft.lat} onChange={set('lat')} />
          </Field>
          {note ? <div className="form-note" data-testid="form-note">{note}</div> : null}
        </FormPanel>
      </div>
    </div>
  );
}
