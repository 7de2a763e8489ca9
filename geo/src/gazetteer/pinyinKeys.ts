import { pinyin } from 'pinyin-pro';

export interface PinyinKeys {
  /** Toneless pinyin without spaces, lower case ("zhanglanzhen"); empty for a name with no Chinese in it. */
  pinyin: string;
  /** The first letter of each syllable ("zlz"); other letters and digits are kept as they are ("zsbl1h" for 中山北路1号). */
  initials: string;
}

const HAN = /\p{Script=Han}/u;

/** What a dispatcher types for a query in pinyin: lower case, without spaces, apostrophes or hyphens ("Zhang Lan" → "zhanglan"). */
export function normalisePinyin(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The pinyin and initials a name is searched by (pinyin-pro reads polyphones in context: 重庆 → chongqing). */
export function pinyinKeys(name: string): PinyinKeys {
  if (!HAN.test(name)) return { pinyin: '', initials: '' };
  // One syllable per Chinese character; letters and digits between them come as runs of their own.
  const tokens = pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true }).map(normalisePinyin).filter(Boolean);
  return {
    pinyin: tokens.join(''),
    initials: tokens.map((t) => (/^\d+$/.test(t) ? t : t[0]!)).join(''),
  };
}
