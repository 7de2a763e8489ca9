import { useEffect, useState } from 'react';
import {
  ApiError,
  type CategoryRequirementDto,
  HospitalCapability,
  IncidentCategory,
  type RoadClassSpeedDto,
  VehicleCapability,
} from '@dispatch/protocol';
import { Panel } from '../common/Panel';
import { useLiveContext, useSettingsVersion } from '../realtime/useLive';
import { type ImportWord, useImportWords } from './importWords';

/** A refusal in the screen's language: the server's error code, translated (its English text is for logs). */
function refusal(e: unknown, i18n: ReturnType<typeof useImportWords>): string {
  return `${i18n.t('requestFailed')}: ${i18n.label('errorCode', e instanceof ApiError ? e.code : 'server_error')}`;
}

/** Road classes from the biggest down, as a road authority lists them (the table's own order is alphabetical). */
const HIERARCHY = ['motorway', 'motorway_link', 'trunk', 'trunk_link', 'primary', 'primary_link', 'secondary', 'secondary_link', 'tertiary', 'tertiary_link', 'unclassified', 'residential', 'living_street', 'service', 'road', 'track'];
const rank = (highway: string) => (HIERARCHY.includes(highway) ? HIERARCHY.indexOf(highway) : HIERARCHY.length);

/** Operator data: road-class speeds (saving re-costs the networks) and the category → capabilities table. */
export function OperatorData() {
  const { api, connection } = useLiveContext();
  // Another administrator's change arrives as a push: the tables are read again.
  const settingsVersion = useSettingsVersion(connection);
  const i18n = useImportWords();
  const { t, label } = i18n;
  const [speeds, setSpeeds] = useState<RoadClassSpeedDto[]>([]);
  const [edited, setEdited] = useState<Record<string, string>>({});
  const [categories, setCategories] = useState<CategoryRequirementDto[]>([]);
  // Kept as what to say, not the said text, so a language switch re-says it.
  const [message, setMessage] = useState<{ ok: boolean; say: (words: ReturnType<typeof useImportWords>) => string } | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    Promise.all([api.call('listRoadClassSpeeds'), api.call('listCategoryRequirements')]).then(
      ([s, c]) => {
        setSpeeds(s.speeds);
        setCategories(c);
      },
      (e: unknown) => setMessage({ ok: false, say: (w) => refusal(e, w) }),
    );
  }, [api, i18n, settingsVersion]);

  const changedSpeeds = speeds.filter((s) => edited[s.highway] !== undefined && Number(edited[s.highway]) !== s.kmh);
  const invalid = (highway: string) => {
    const v = edited[highway];
    return v !== undefined && !(Number(v) > 0 && Number(v) <= 150);
  };

  const saveSpeeds = async () => {
    setSaving(true);
    setMessage(null);
    try {
      const answer = await api.call('updateRoadClassSpeeds', { body: { speeds: changedSpeeds.map((s) => ({ highway: s.highway, kmh: Number(edited[s.highway]) })) } });
      setSpeeds(answer.speeds);
      setEdited({});
      const edges = answer.recosted.reduce((sum, r) => sum + r.edges, 0).toLocaleString();
      setMessage({ ok: true, say: (w) => w.t('speedsSaved', { regions: answer.recosted.length, edges }) });
    } catch (e) {
      setMessage({ ok: false, say: (w) => refusal(e, w) });
    } finally {
      setSaving(false);
    }
  };

  const toggle = (category: CategoryRequirementDto, list: 'vehicleCapabilities' | 'hospitalCapabilities', capability: string) => {
    const current: string[] = category[list];
    const next = current.includes(capability) ? current.filter((c) => c !== capability) : [...current, capability];
    setCategories((all) => all.map((c) => (c.category === category.category ? ({ ...c, [list]: next } as CategoryRequirementDto) : c)));
  };

  const saveCategory = async (category: CategoryRequirementDto) => {
    setMessage(null);
    try {
      setCategories(await api.call('updateCategoryRequirement', { body: category }));
      setMessage({ ok: true, say: (w) => w.t('categorySaved', { category: w.label('category', category.category) }) });
    } catch (e) {
      setMessage({ ok: false, say: (w) => refusal(e, w) });
    }
  };

  return (
    <div className="ops-page" data-testid="operator-data">
      {message && <div className={message.ok ? 'ops-note' : 'error'} role="status">{message.say(i18n)}</div>}
      <Panel className="ops-panel" title={t('speedsTitle')} testId="road-speeds">
        <p className="muted small pad">{t('speedsNote')}</p>
        <div className="speed-grid">
          {[...speeds].sort((a, b) => rank(a.highway) - rank(b.highway)).map((s) => (
            <label key={s.highway} className="speed-item">
              <span>{t(`hw_${s.highway}` as ImportWord)}</span>
              <input
                className={`num${invalid(s.highway) ? ' invalid' : ''}`}
                type="number"
                min={1}
                max={150}
                step={1}
                data-testid={`speed-${s.highway}`}
                value={edited[s.highway] ?? String(s.kmh)}
                onChange={(e) => setEdited((all) => ({ ...all, [s.highway]: e.target.value }))}
              />
              <span className="muted small">km/h</span>
            </label>
          ))}
        </div>
        <div className="pad">
          <button type="button" className="primary" disabled={saving || changedSpeeds.length === 0 || speeds.some((s) => invalid(s.highway))} onClick={() => void saveSpeeds()} data-testid="save-speeds">
            {t('saveSpeeds')}
          </button>
        </div>
      </Panel>

      <Panel className="ops-panel" title={t('categoriesTitle')} testId="category-requirements">
        <p className="muted small pad">{t('categoriesNote')}</p>
        <table className="dense wrap middle">
          <thead>
            <tr>
              <th>{t('colCategory')}</th>
              <th>{t('colVehicleCaps')}</th>
              <th>{t('colHospitalCaps')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {[...categories].sort((a, b) => IncidentCategory.options.indexOf(a.category) - IncidentCategory.options.indexOf(b.category)).map((c) => (
              <tr key={c.category} data-category={c.category}>
                <td>{label('category', c.category)}</td>
                <td>
                  {VehicleCapability.options.map((cap) => (
                    <label key={cap} className={c.vehicleCapabilities.includes(cap) ? 'chip on' : 'chip'}>
                      <input type="checkbox" checked={c.vehicleCapabilities.includes(cap)} onChange={() => toggle(c, 'vehicleCapabilities', cap)} />
                      {label('vehicleCapability', cap)}
                    </label>
                  ))}
                </td>
                <td>
                  {HospitalCapability.options.map((cap) => (
                    <label key={cap} className={c.hospitalCapabilities.includes(cap) ? 'chip on' : 'chip'}>
                      <input type="checkbox" checked={c.hospitalCapabilities.includes(cap)} onChange={() => toggle(c, 'hospitalCapabilities', cap)} />
                      {label('hospitalCapability', cap)}
                    </label>
                  ))}
                </td>
                <td>
                  <button type="button" onClick={() => void saveCategory(c)} data-testid={`save-category-${c.category}`}>
                    {t('saveCategory')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </div>
  );
}
