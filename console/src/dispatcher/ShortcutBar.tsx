import type { ReactNode } from 'react';
import type { MessageKey } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';

/** The keys DispatcherConsole handles, with what each does. */
const KEYS: [ReactNode, MessageKey][] = [
  [<><kbd>F2</kbd>/<kbd>N</kbd></>, 'keyNewCall'],
  [<kbd>Enter</kbd>, 'keySubmit'],
  [<><kbd>1</kbd>…<kbd>9</kbd></>, 'keyPick'],
  [<kbd>D</kbd>, 'keyDispatch'],
  [<kbd>Esc</kbd>, 'keyCancel'],
  [<><kbd>↑</kbd><kbd>↓</kbd></>, 'keyQueue'],
];

export function ShortcutBar() {
  const { t } = useI18n();
  return (
    <footer className="shortcut-bar" aria-label={t('shortcuts')}>
      <span className="muted">{t('shortcuts')}:</span>
      {KEYS.map(([keys, word]) => (
        <span key={word}>
          {keys} {t(word)}
        </span>
      ))}
    </footer>
  );
}
