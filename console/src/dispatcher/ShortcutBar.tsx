import { useI18n } from '../i18n/i18n';

export function ShortcutBar() {
  const { t } = useI18n();
  return (
    <footer className="shortcut-bar" aria-label={t('shortcuts')}>
      <span className="muted">{t('shortcuts')}:</span>
      <span>
        <kbd>F2</kbd>/<kbd>N</kbd> {t('keyNewCall')}
      </span>
      <span>
        <kbd>Enter</kbd> {t('keySubmit')}
      </span>
      <span>
        <kbd>1</kbd>…<kbd>9</kbd> {t('keyPick')}
      </span>
      <span>
        <kbd>D</kbd> {t('keyDispatch')}
      </span>
      <span>
        <kbd>Esc</kbd> {t('keyCancel')}
      </span>
      <span>
        <kbd>↑</kbd>
        <kbd>↓</kbd> {t('keyQueue')}
      </span>
    </footer>
  );
}
