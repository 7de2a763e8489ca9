import { useEffect, useState } from 'react';
import type { Section } from './sections';
import { useI18n } from '../i18n/i18n';

// `#/incidents/<id>`: the section is the first part, the rest is the section's own (an opened record).
const idFromHash = () => window.location.hash.replace(/^#\/?/, '').split('/')[0]!;

/** The section named by the address (`#/reports`), or the role's home; follows the back and forward buttons. */
export function useCurrentSection(available: readonly Section[]): Section | undefined {
  const [id, setId] = useState(idFromHash);
  useEffect(() => {
    const follow = () => setId(idFromHash());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return available.find((s) => s.id === id) ?? available[0];
}

/** The tabs of a role with more than one screen; each is a link, so it opens in a new tab too. */
export function Navigation({ available, current }: { available: readonly Section[]; current: Section | undefined }) {
  const { t } = useI18n();
  if (available.length < 2) return null;
  return (
    <nav className="section-nav" aria-label={t('navLabel')}>
      {available.map((s) => (
        <a key={s.id} href={`#/${s.id}`} className={s === current ? 'on' : ''} aria-current={s === current ? 'page' : undefined} data-testid={`nav-${s.id}`}>
          {t(s.title)}
        </a>
      ))}
    </nav>
  );
}
