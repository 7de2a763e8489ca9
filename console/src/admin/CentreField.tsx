import type { CentreDto } from '@dispatch/protocol';
import { useCentres } from '../centres/useCentres';
import { Field } from './kit';
import { useAdminI18n } from './words';

/**
 * The centres an administrator's form offers (issue 15), and a centre's name by id in the screen's language. With
 * one centre in the database there is nothing to choose: the forms and lists leave the centre out.
 */
export function useCentreChoice(): { centres: CentreDto[]; several: boolean; centreName: (id: string | null | undefined) => string } {
  const { centres } = useCentres();
  const { t, name } = useAdminI18n();
  return {
    centres,
    several: centres.length > 1,
    centreName: (id) => {
      if (!id) return t('provinceWide');
      const centre = centres.find((c) => c.id === id);
      return centre ? name(centre) : '—';
    },
  };
}

/**
 * The centre a station, hospital or login belongs to. `province` adds the choice of none (a login of every centre),
 * written as '' in the draft.
 */
export function CentreField({
  centres,
  value,
  onChange,
  problem,
  province = false,
}: {
  centres: CentreDto[];
  value: string;
  onChange: (centreId: string) => void;
  problem?: string;
  province?: boolean;
}) {
  const { t, name } = useAdminI18n();
  return (
    <Field name="centreId" label={t('colCentre')} problem={problem}>
      <select name="centreId" value={value} onChange={(e) => onChange(e.target.value)}>
        {province ? <option value="">{t('provinceWide')}</option> : null}
        {centres.map((c) => (
          <option key={c.id} value={c.id}>
            {name(c)} ({c.code})
          </option>
        ))}
      </select>
    </Field>
  );
}
