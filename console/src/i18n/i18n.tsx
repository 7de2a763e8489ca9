import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  categoryLabels,
  exclusionLabels,
  hospitalCapabilityLabels,
  incidentStatusLabels,
  loadLabels,
  maneuverLabels,
  messages,
  priorityGroupLabels,
  priorityLabels,
  taskStatusLabels,
  vehicleCapabilityLabels,
  vehicleKindLabels,
  vehicleStateLabels,
  type Lang,
  type MessageKey,
} from './dictionary';

const STORAGE_KEY = 'dispatch120.lang';

const labelTables = {
  category: categoryLabels,
  taskStatus: taskStatusLabels,
  vehicleState: vehicleStateLabels,
  incidentStatus: incidentStatusLabels,
  load: loadLabels,
  vehicleCapability: vehicleCapabilityLabels,
  vehicleKind: vehicleKindLabels,
  hospitalCapability: hospitalCapabilityLabels,
  priorityGroup: priorityGroupLabels,
  exclusion: exclusionLabels,
  priority: priorityLabels,
  maneuver: maneuverLabels,
};
export type LabelTable = keyof typeof labelTables;

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  /** A message with `{name}` placeholders filled in. */
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** A domain code (category, status, capability…) in the current language; unknown codes pass through. */
  label(table: LabelTable, code: string | number): string;
  /** Local clock time, HH:mm:ss. */
  clock(iso: string | number | Date): string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === 'en' || stored === 'zh-CN' ? stored : 'zh-CN';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    const dict = messages[lang];
    const timeFormat = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
    return {
      lang,
      setLang,
      t: (key, vars) => dict[key].replace(/\{(\w+)\}/g, (_m, name: string) => String(vars?.[name] ?? `{${name}}`)),
      label: (table, code) => (labelTables[table][lang] as Record<string, string>)[String(code)] ?? String(code),
      clock: (at) => timeFormat.format(new Date(at)),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

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
