import './centres.css';
import { useI18n } from '../i18n/i18n';
import { centreName, useCentres } from './useCentres';
import { useCentreWords } from './words';

/** The header's centre: the login's own, or the province for a login of every centre; nothing with one centre only. */
export function CentreBadge() {
  const { lang } = useI18n();
  const { t } = useCentreWords();
  const { centres, own, province } = useCentres();
  if (centres.length < 2) return null;
  const name = own ? centreName(own, lang) : province ? t('province') : null;
  return name === null ? null : (
    <span className="centre-badge" data-testid="centre-badge" title={name}>
      {name}
    </span>
  );
}
