import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError } from '@dispatch/protocol';
import { domainLabel, type Lang, type LabelTable } from '@dispatch/protocol';

/** Screen words both apps show. */
const common = {
  'zh-CN': {
    login: '登录', loginFailed: '登录失败：用户名或密码错误', logout: '退出', username: '用户名', password: '密码', newPassword: '新密码',
    loginThrottled: '登录失败次数过多，请 {seconds} 秒后再试', databaseUnavailable: '数据库暂不可用',
    clientTooOld: '调度系统已更新：请刷新本页（F5）载入新版本', serverTooOld: '服务器版本低于本程序：请联系系统管理员',
    online: '在线', offline: '离线', syntheticData: '合成演示数据（非真实道路与地点）', eta: '预计到达', destination: '目的医院', status: '状态',
  },
  en: {
    login: 'Log in', loginFailed: 'Login failed: wrong username or password', logout: 'Log out', username: 'Username', password: 'Password', newPassword: 'New password',
    loginThrottled: 'Too many failed logins: try again in {seconds} s', databaseUnavailable: 'Database unavailable',
    clientTooOld: 'The dispatch system was updated: reload this page (F5) to load the new version',
    serverTooOld: 'The server is older than this program: call the system administrator',
    online: 'Online', offline: 'Offline', syntheticData: 'SYNTHETIC DEMO DATA (not real roads or places)', eta: 'ETA',
    destination: 'Destination hospital', status: 'Status',
  },
} satisfies Messages<string>;
type CommonKey = keyof (typeof common)['zh-CN'];

export type Messages<K extends string> = Record<Lang, Record<K, string>>;

/** A screen's words in both languages; English must have exactly Chinese's keys, or the type check fails. */
export function defineMessages<const Z extends Record<string, string>>(zh: Z, en: { [K in keyof Z]: string }): Messages<keyof Z & string> {
  return { 'zh-CN': zh, en };
}

export interface I18n<K extends string> {
  lang: Lang;
  setLang(lang: Lang): void;
  /** A message with `{name}` placeholders filled in. */
  t(key: K | CommonKey, vars?: Record<string, string | number>): string;
  /** A domain code (category, step, capability…) in the current language. */
  label(table: LabelTable, code: string | number): string;
  /** Local clock time, HH:mm:ss. */
  clock(at: string | number | Date): string;
  /** A place's, station's or hospital's name: in English the English one when it has one. */
  name(place: { name: string; nameEn?: string | null }): string;
  /** A failed request in words: the server's error code translated, with the fields it names when input was wrong. */
  error(error: unknown): string;
}

/** The fields a 400 names ("location.lat: …; category: …"), each path as the screen calls it when it has a word for it. */
const fieldsOf = (message: string, words: Record<string, string>) =>
  [...message.matchAll(/(?:^|; )([\w.]+): /g)].map(([, path]) => words[path!] ?? words[path!.split('.')[0]!] ?? path!);

const LangContext = createContext<{ lang: Lang; setLang(lang: Lang): void } | null>(null);

/** The chosen language, remembered per app in localStorage under `storageKey`; Chinese unless English was chosen. */
export function LangProvider({ storageKey, children }: { storageKey: string; children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(storageKey) === 'en' ? 'en' : 'zh-CN'));
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback(
    (next: Lang) => {
      localStorage.setItem(storageKey, next);
      setLangState(next);
    },
    [storageKey],
  );
  const value = useMemo(() => ({ lang, setLang }), [lang, setLang]);
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

/** The hook an app reads its words through: its own messages, the common ones and the domain labels. */
export function createI18n<K extends string>(messages: Messages<K>): () => I18n<K> {
  return function useI18n() {
    const context = useContext(LangContext);
    if (!context) throw new Error('useI18n outside LangProvider');
    const { lang, setLang } = context;
    return useMemo<I18n<K>>(() => {
      const dict: Record<string, string> = { ...common[lang], ...messages[lang] };
      const timeFormat = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
      return {
        lang,
        setLang,
        t: (key, vars) => dict[key]!.replace(/\{(\w+)\}/g, (_m, name: string) => String(vars?.[name] ?? `{${name}}`)),
        label: (table, code) => domainLabel(lang, table, code),
        clock: (at) => timeFormat.format(new Date(at)),
        name: (place) => (lang === 'en' && place.nameEn ? place.nameEn : place.name),
        error: (error) => {
          if (!(error instanceof ApiError)) return domainLabel(lang, 'errorCode', 'server_error');
          const fields = error.code === 'invalid_input' ? fieldsOf(error.message, dict) : [];
          const [colon, comma] = lang === 'en' ? [': ', ', '] : ['：', '、'];
          return `${domainLabel(lang, 'errorCode', error.code)}${fields.length ? colon + fields.join(comma) : ''}`;
        },
      };
    }, [lang, setLang]);
  };
}
