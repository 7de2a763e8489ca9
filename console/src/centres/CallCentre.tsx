import './centres.css';
import { useI18n } from '../i18n/i18n';
import { centreName, useCentres } from './useCentres';
import { useCentreWords } from './words';

/**
 * For a login of every centre (the province supervisor, an administrator) when there are several: the name of the
 * centre whose line a call rang on, in the screen's language. Null for a centre's own staff: all they see is their own.
 */
export function useCallCentre(): (centreId: string) => string | null {
  const { lang } = useI18n();
  const { centres, province } = useCentres();
  return (centreId) => {
    const centre = province && centres.length > 1 ? centres.find((c) => c.id === centreId) : undefined;
    return centre ? centreName(centre, lang) : null;
  };
}

/**
 * The centre's name beside a call, in the incoming calls and on the call being taken (cut short on a narrow row; the
 * tooltip says it whole, as the centre whose line rang).
 */
export function CallCentreTag({ name }: { name: string }) {
  const { t } = useCentreWords();
  return (
    <span className="call-centre" data-testid="call-centre" title={t('callCentre', { centre: name })}>
      {name}
    </span>
  );
}
