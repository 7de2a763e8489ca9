import { useState } from 'react';
import { DEFAULT_CENTRE_ID, HospitalCapability, HospitalKind, HospitalLoad, type HospitalDto } from '@dispatch/protocol';
import { colourOf, LOAD_COLOURS } from '@dispatch/ui';
import { useLiveContext } from '../realtime/useLive';
import { CentreField, useCentreChoice } from './CentreField';
import { AdminList, CodeChecks, confirmDelete, Field, FormPanel, numberOf, PAGE_SIZE, useForm, useListState, usePage } from './kit';
import { useAdminI18n } from './words';

const FIELDS = ['code', 'name', 'nameEn', 'centreId', 'kind', 'capabilities', 'address', 'phone', 'lon', 'lat'] as const;
interface Draft {
  code: string;
  name: string;
  nameEn: string;
  centreId: string;
  kind: HospitalKind;
  capabilities: HospitalCapability[];
  address: string;
  phone: string;
  lon: string;
  lat: string;
}
const blank: Draft = { code: '', name: '', nameEn: '', centreId: DEFAULT_CENTRE_ID, kind: 'general', capabilities: ['emergency'], address: '', phone: '', lon: '', lat: '' };
const draftOf = (h: HospitalDto): Draft => ({
  code: h.code, name: h.name, nameEn: h.nameEn ?? '', centreId: h.centreId, kind: h.kind, capabilities: h.capabilities, address: h.address ?? '', phone: h.phone ?? '',
  lon: String(h.location.lon), lat: String(h.location.lat),
});

/** The network hospitals: kind, what they can treat, address and phone, and the load status they publish. */
export function HospitalsScreen() {
  const { api } = useLiveContext();
  const i18n = useAdminI18n();
  const { t, name, label, error } = i18n;
  const { centres, several, centreName } = useCentreChoice();
  const list = useListState<'code' | 'name' | 'kind' | 'loadStatus'>('code');
  const { page } = usePage('hospitalPage', ['hospital'], { page: list.page, pageSize: PAGE_SIZE, sort: list.sort, q: list.q || undefined });
  const [editing, setEditing] = useState<HospitalDto | null>(null);
  const [draft, setDraft] = useState<Draft>(blank);
  const { problems, note, busy, clear, say, submit } = useForm(FIELDS);
  const [loadError, setLoadError] = useState<string | null>(null);

  const open = (hospital: HospitalDto | null) => {
    setEditing(hospital);
    setDraft(hospital ? draftOf(hospital) : blank);
    setLoadError(null);
    clear();
  };
  const text = (field: 'code' | 'name' | 'nameEn' | 'address' | 'phone' | 'lon' | 'lat') => ({
    name: field,
    value: draft[field],
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [field]: e.target.value })),
  });
  const save = async () => {
    const body = {
      code: draft.code.trim(), name: draft.name, nameEn: draft.nameEn.trim() || null, centreId: draft.centreId || undefined, kind: draft.kind,
      capabilities: draft.capabilities,
      address: draft.address.trim() || null, phone: draft.phone.trim() || null, location: { lon: numberOf(draft.lon), lat: numberOf(draft.lat) },
    };
    await submit(draft, async () => {
      open(editing ? await api.call('updateHospital', { params: { id: editing.id }, body }) : await api.call('createHospital', { body }));
      return (w) => w.t('saved');
    });
  };
  const setLoad = async (loadStatus: HospitalLoad) => {
    if (!editing) return;
    try {
      setEditing(await api.call('setHospitalLoad', { params: { id: editing.id }, body: { loadStatus } }));
      setLoadError(null);
    } catch (e) {
      setLoadError(error(e));
    }
  };

  return (
    <div className="admin-screen" data-testid="admin-hospitals">
      <AdminList
        title={t('hospitalsTitle')}
        add={{ label: t('newHospital'), onClick: () => open(null) }}
        hint="hintHospitals"
        list={list}
        page={page}
        columns={[
          { label: 'colCode', sortKey: 'code' }, { label: 'colName', sortKey: 'name' }, ...(several ? [{ label: 'colCentre' as const }] : []),
          { label: 'colKind', sortKey: 'kind' }, { label: 'colCapabilities' }, { label: 'colPhone' }, { label: 'colLoad', sortKey: 'loadStatus' },
        ]}
        row={(h) => (
          <tr key={h.id} className={editing?.id === h.id ? 'on' : ''} onClick={() => open(h)} data-testid={`row-${h.code}`}>
            <td className="mono nowrap">{h.code}</td>
            <td>
              {name(h)}
              {h.address ? <div className="muted small">{h.address}</div> : null}
            </td>
            {several ? <td className="nowrap" data-testid="centre">{centreName(h.centreId)}</td> : null}
            <td className="nowrap">{label('hospitalKind', h.kind)}</td>
            <td>
              {h.capabilities.map((c) => (
                <span key={c} className="badge cap">
                  {label('hospitalCapability', c)}
                </span>
              ))}
            </td>
            <td className="mono small nowrap">{h.phone ?? ''}</td>
            <td className="nowrap">
              <span className="load-dot" style={{ background: colourOf(LOAD_COLOURS, h.loadStatus) }} />
              {label('load', h.loadStatus)}
            </td>
          </tr>
        )}
      />
      <div className="admin-side">
        <FormPanel
          title={editing ? t('editHospital', { name: name(editing) }) : t('newHospital')}
          testId="hospital-form"
          onSubmit={() => void save()}
          onCancel={editing ? () => open(null) : undefined}
          onDelete={editing ? () => void confirmDelete(name(editing), () => api.call('deleteHospital', { params: { id: editing.id } }), i18n, say).then((gone) => gone && open(null)) : undefined}
          busy={busy}
          general={problems.general}
          extra={
            editing ? (
              <div className="sub-form" data-testid="load-form">
                <div className="sub-title">{t('setLoad')}</div>
                <div className="checks">
                  {HospitalLoad.options.map((l) => (
                    <button key={l} type="button" className={editing.loadStatus === l ? 'primary' : ''} onClick={() => void setLoad(l)} data-testid={`load-${l}`}>
                      <span className="load-dot" style={{ background: colourOf(LOAD_COLOURS, l) }} />
                      {label('load', l)}
                    </button>
                  ))}
                </div>
                {loadError ? <div className="error">{loadError}</div> : null}
              </div>
            ) : null
          }
        >
          <Field name="code" label={t('colCode')} problem={problems.fields.code}>
            <input {...text('code')} autoComplete="off" />
          </Field>
          <Field name="name" label={t('colName')} problem={problems.fields.name}>
            <input {...text('name')} />
          </Field>
          <Field name="nameEn" label={t('colNameEn')} problem={problems.fields.nameEn}>
            <input {...text('nameEn')} />
          </Field>
          {several ? (
            <CentreField centres={centres} value={draft.centreId} onChange={(centreId) => setDraft((d) => ({ ...d, centreId }))} problem={problems.fields.centreId} />
          ) : null}
          <Field name="kind" label={t('colKind')} problem={problems.fields.kind}>
            <select name="kind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as HospitalKind })}>
              {HospitalKind.options.map((k) => (
                <option key={k} value={k}>
                  {label('hospitalKind', k)}
                </option>
              ))}
            </select>
          </Field>
          <Field name="capabilities" label={t('colCapabilities')} problem={problems.fields.capabilities}>
            <CodeChecks name="capabilities" codes={HospitalCapability.options} chosen={draft.capabilities} label={(c) => label('hospitalCapability', c)} onChange={(capabilities) => setDraft({ ...draft, capabilities })} />
          </Field>
          <Field name="address" label={t('colAddress')} problem={problems.fields.address}>
            <input {...text('address')} />
          </Field>
          <Field name="phone" label={t('colPhone')} problem={problems.fields.phone}>
            <input {...text('phone')} inputMode="tel" />
          </Field>
          <Field name="lon" label={t('lon')} problem={problems.fields.lon}>
            <input {...text('lon')} inputMode="decimal" />
          </Field>
          <Field name="lat" label={t('lat')} problem={problems.fields.lat}>
            <input {...text('lat')} inputMode="decimal" />
          </Field>
          {note ? <div className="form-note" data-testid="form-note">{note}</div> : null}
        </FormPanel>
      </div>
    </div>
  );
}
