import { createI18n } from '@dispatch/ui';
import { messages } from './dictionary';

export const useI18n = createI18n(messages);

export function LanguageSwitch() {
  const { lang, setLang } = useI18n();
  return (
    <div className="lang-switch" role="group" aria-label="language">
      <button type="button" className={lang === 'zh-CN' ? 'on' : ''} onClick={() => setLang('zh-CN')}>
        中文
      </button>
      <button type="button" className={lang === 'en' ? 'on' : ''} onClick={() => setLang('en')}>
        EN
      </button>
    </div>
  );
}
