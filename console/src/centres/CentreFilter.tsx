import './centres.css';
import { useI18n } from '../i18n/i18n';
import { centreName, useCentres } from './useCentres';
import { useCentreWords } from './words';

/** The live board's centre choice, for a login of every centre when the database has several (issue 15). */
export function CentreFilter({ centre, onCentre }: { centre: string | null; onCentre: (centreId: string | null) => void }) {
  const { lang } = useI18n();
  const { t } = useCentreWords();
  const { centres, province } = useCentres();
  if (!province || centres.length < 2) return null;
  return (
    <label className="centre-filter" data-testid="centre-filter">
      {t('centreFilter')}{' '}
      <select value={centre ?? ''} onChange={(e) => onCentre(e.target.value || null)}>
        <option value="">{t('allCentres')}</option>
        {centres.map((c) => (
          <option key={c.id} value={c.id}>
            {centreName(c, lang)}
          </option>
        ))}
      </select>
    </label>
  );
}
