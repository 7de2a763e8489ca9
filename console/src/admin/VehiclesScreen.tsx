import { useState } from 'react';
import { VehicleCapability, VehicleKind, type VehicleDto } from '@dispatch/protocol';
import { useLiveContext } from '../realtime/useLive';
import { AdminList, CodeChecks, confirmDelete, Field, FormPanel, PAGE_SIZE, useChoices, useForm, useListState, usePage } from './kit';
import { useAdminI18n } from './words';

const FIELDS = ['callSign', 'kind', 'capabilities', 'homeStationId', 'inService', 'outOfServiceReason'] as const;
interface Draft {
  callSign: string;
  kind: VehicleKind;
  capabilities: VehicleCapability[];
  homeStationId: string;
  inService: boolean;
  outOfServiceReason: string;
}
const blank: Draft = { callSign: '', kind: 'negative_pressure_ambulance', capabilities: [], homeStationId: '', inService: true, outOfServiceReason: '' };
const draftOf = (v: VehicleDto): Draft => ({
  callSign: v.callSign, kind: v.kind, capabilities: v.capabilities, homeStationId: v.homeStationId, inService: v.inService, outOfServiceReason: v.outOfServiceReason ?? '',
});

/** The fleet: kind, capabilities, home station, in or out of service with the reason, and the GPS device it reports with. */
export function VehiclesScreen() {
  const { api } = useLiveContext();
  const i18n = useAdminI18n();
  const { t, name, label } = i18n;
  const list = useListState<'callSign' | 'kind' | 'state' | 'homeStation'>('callSign');
  const [stationFilter, setStationFilter] = useState('');
  const { page } = usePage('vehiclePage', ['vehicle', 'station'], {
    page: list.page, pageSize: PAGE_SIZE, sort: list.sort, q: list.q || undefined, homeStationId: stationFilter || undefined,
  });
  const stations = useChoices('listStations', ['station']);
  const stationName = (id: string) => {
    const station = stations.find((s) => s.id === id);
    return station ? name(station) : '—';
  };
  const [editing, setEditing] = useState<VehicleDto | null>(null);
  const [draft, setDraft] = useState<Draft>(blank);
  const { problems, note, busy, clear, say, submit } = useForm(FIELDS);
  const [deviceId, setDeviceId] = useState('');
  const device = useForm(['deviceId']);

  const open = (vehicle: VehicleDto | null) => {
    setEditing(vehicle);
    setDraft(vehicle ? draftOf(vehicle) : { ...blank, homeStationId: stations[0]?.id ?? '' });
    setDeviceId(vehicle?.deviceId ?? '');
    clear();
    device.clear();
  };
  const save = async () => {
    const body = { ...draft, callSign: draft.callSign.trim(), outOfServiceReason: draft.inService ? null : draft.outOfServiceReason.trim() || null };
    await submit(draft, async () => {
      open(editing ? await api.call('updateVehicle', { params: { id: editing.id }, body }) : await api.call('createVehicle', { body }));
      return (w) => w.t('saved');
    });
  };
  const bind = async (id: string | null) => {
    if (!editing) return;
    await device.submit({ deviceId: id }, async () => {
      const binding = await api.call('bindVehicleDevice', { params: { id: editing.id }, body: { deviceId: id } });
      setDeviceId(binding.deviceId ?? '');
      setEditing({ ...editing, deviceId: binding.deviceId });
      return (w) => (binding.deviceId ? w.t('deviceBound', { device: binding.deviceId }) : w.t('deviceUnbound'));
    });
  };

  return (
    <div className="admin-screen" data-testid="admin-vehicles">
      <AdminList
        title={t('vehiclesTitle')}
        add={{ label: t('newVehicle'), onClick: () => open(null) }}
        hint="hintVehicles"
        list={list}
        page={page}
        filters={
          <select
            aria-label={t('colHomeStation')}
            data-testid="station-filter"
            value={stationFilter}
            onChange={(e) => {
              setStationFilter(e.target.value);
              list.setPage(1);
            }}
          >
            <option value="">{t('allStations')}</option>
            {stations.map((s) => (
              <option key={s.id} value={s.id}>
                {name(s)}
              </option>
            ))}
          </select>
        }
        columns={[
          { label: 'colCallSign', sortKey: 'callSign' }, { label: 'colKind', sortKey: 'kind' }, { label: 'colCapabilities' },
          { label: 'colHomeStation', sortKey: 'homeStation' }, { label: 'colState', sortKey: 'state' }, { label: 'colDevice' },
        ]}
        row={(v) => (
          <tr key={v.id} className={editing?.id === v.id ? 'on' : ''} onClick={() => open(v)} data-testid={`row-${v.callSign}`}>
            <td className="nowrap">
              <b>{v.callSign}</b>
            </td>
            <td className="nowrap">{label('vehicleKind', v.kind)}</td>
            <td>
              {v.capabilities.map((c) => (
                <span key={c} className={`badge cap cap-${c}`}>
                  {label('vehicleCapability', c)}
                </span>
              ))}
            </td>
            <td className="nowrap">{stationName(v.homeStationId)}</td>
            <td>
              <span className={v.state === 'out_of_service' ? 'state-off' : 'state-on'}>{label('vehicleState', v.state)}</span>
              {v.outOfServiceReason ? <div className="muted small">{v.outOfServiceReason}</div> : null}
            </td>
            <td className="mono small">{v.deviceId ?? <span className="muted">{t('noDevice')}</span>}</td>
          </tr>
        )}
      />
      <div className="admin-side">
        <FormPanel
          title={editing ? t('editVehicle', { name: editing.callSign }) : t('newVehicle')}
          testId="vehicle-form"
          onSubmit={() => void save()}
          onCancel={editing ? () => open(null) : undefined}
          onDelete={editing ? () => void confirmDelete(editing.callSign, () => api.call('deleteVehicle', { params: { id: editing.id } }), i18n, say).then((gone) => gone && open(null)) : undefined}
          busy={busy}
          general={problems.general}
          extra={
            editing ? (
              <div className="sub-form" data-testid="device-form">
                <div className="sub-title">{t('deviceTitle')}</div>
                <Field name="deviceId" label={t('deviceId')} problem={device.problems.fields.deviceId}>
                  <div className="inline">
                    <input name="deviceId" value={deviceId} onChange={(e) => setDeviceId(e.target.value)} autoComplete="off" />
                    <button type="button" className="primary" onClick={() => void bind(deviceId)} data-testid="bind-device">
                      {t('bindDevice')}
                    </button>
                    {editing.deviceId ? (
                      <button type="button" className="danger" onClick={() => void bind(null)} data-testid="unbind-device">
                        {t('unbindDevice')}
                      </button>
                    ) : null}
                  </div>
                </Field>
                {device.problems.general ? <div className="error">{device.problems.general}</div> : null}
                {device.note ? <div className="form-note" data-testid="device-note">{device.note}</div> : null}
              </div>
            ) : null
          }
        >
          <Field name="callSign" label={t('colCallSign')} problem={problems.fields.callSign}>
            <input name="callSign" value={draft.callSign} onChange={(e) => setDraft({ ...draft, callSign: e.target.value })} autoComplete="off" />
          </Field>
          <Field name="kind" label={t('colKind')} problem={problems.fields.kind}>
            <select name="kind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as VehicleKind })}>
              {VehicleKind.options.map((k) => (
                <option key={k} value={k}>
                  {label('vehicleKind', k)}
                </option>
              ))}
            </select>
          </Field>
          <Field name="capabilities" label={t('colCapabilities')} problem={problems.fields.capabilities}>
            <CodeChecks name="capabilities" codes={VehicleCapability.options} chosen={draft.capabilities} label={(c) => label('vehicleCapability', c)} onChange={(capabilities) => setDraft({ ...draft, capabilities })} />
          </Field>
          <Field name="homeStationId" label={t('colHomeStation')} problem={problems.fields.homeStationId}>
            <select name="homeStationId" value={draft.homeStationId} onChange={(e) => setDraft({ ...draft, homeStationId: e.target.value })}>
              <option value="">—</option>
              {stations.map((s) => (
                <option key={s.id} value={s.id}>
                  {name(s)}
                </option>
              ))}
            </select>
          </Field>
          <Field name="inService" label={t('colState')} problem={problems.fields.inService}>
            <label className="check">
              <input type="checkbox" name="inService" checked={draft.inService} onChange={(e) => setDraft({ ...draft, inService: e.target.checked })} />
              {t('inService')}
            </label>
          </Field>
          {!draft.inService ? (
            <Field name="outOfServiceReason" label={t('colReason')} problem={problems.fields.outOfServiceReason}>
              <input name="outOfServiceReason" placeholder={t('outOfServiceReason')} value={draft.outOfServiceReason} onChange={(e) => setDraft({ ...draft, outOfServiceReason: e.target.value })} />
            </Field>
          ) : null}
          {note ? <div className="form-note" data-testid="form-note">{note}</div> : null}
        </FormPanel>
      </div>
    </div>
  );
}
