import type { HospitalDto } from '@dispatch/protocol';
import { distanceM, type LonLat } from '../simulator/geometry';
import { formatDistance, useI18n } from './i18n';
import { LoadChip } from './TaskCards';

/** The crew's override of the destination: hospitals able to take the case first, nearest first. */
export function HospitalDialog({
  hospitals,
  current,
  from,
  needs,
  onClose,
  onChoose,
}: {
  hospitals: HospitalDto[];
  current: string | null;
  from: LonLat | null;
  needs: string[];
  onClose(): void;
  onChoose(id: string): void;
}) {
  const { t, label, name } = useI18n();
  const rows = hospitals
    .filter((h) => h.kind !== 'village_clinic')
    .map((h) => ({ h, d: from ? distanceM(from, [h.location.lon, h.location.lat]) : 0, able: needs.every((c) => h.capabilities.includes(c as never)) }))
    .sort((a, b) => Number(b.able) - Number(a.able) || a.d - b.d);
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog" role="dialog" aria-label={t('chooseHospital')} onClick={(e) => e.stopPropagation()}>
        <div className="dialog-head">
          <h2>{t('chooseHospital')}</h2>
          <button className="secondary" onClick={onClose}>
            {t('cancel')}
          </button>
        </div>
        <ul className="hospital-list">
          {rows.map(({ h, d, able }) => (
            <li key={h.id}>
              <button className={`hospital-choice ${h.id === current ? 'current' : ''} ${able ? '' : 'unable'}`} onClick={() => onChoose(h.id)}>
                <LoadChip load={h.loadStatus} />
                <span className="name">
                  {name(h)}
                  {h.id === current && <em> · {t('current')}</em>}
                  {!able && (
                    <em className="muted">
                      {' '}
                      · {t('needs')} {needs.map((c) => label('hospitalCapability', c)).join(', ')}
                    </em>
                  )}
                </span>
                {from && <span className="muted">{formatDistance(d)}</span>}
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
