/** Synthetic but plausible names for the demo county (Jin-style village names, pinyin for English). */

export interface Name {
  zh: string;
  en: string;
}

const PREFIXES: Name[] = [
  { zh: '东', en: 'Dong' }, { zh: '西', en: 'Xi' }, { zh: '南', en: 'Nan' }, { zh: '北', en: 'Bei' },
  { zh: '上', en: 'Shang' }, { zh: '下', en: 'Xia' }, { zh: '前', en: 'Qian' }, { zh: '后', en: 'Hou' },
  { zh: '大', en: 'Da' }, { zh: '小', en: 'Xiao' }, { zh: '新', en: 'Xin' }, { zh: '中', en: 'Zhong' },
];
const SURNAMES: Name[] = [
  { zh: '王', en: 'wang' }, { zh: '张', en: 'zhang' }, { zh: '李', en: 'li' }, { zh: '刘', en: 'liu' },
  { zh: '郭', en: 'guo' }, { zh: '赵', en: 'zhao' }, { zh: '梁', en: 'liang' }, { zh: '宋', en: 'song' },
  { zh: '任', en: 'ren' }, { zh: '韩', en: 'han' }, { zh: '武', en: 'wu' }, { zh: '侯', en: 'hou' },
  { zh: '田', en: 'tian' }, { zh: '段', en: 'duan' }, { zh: '冯', en: 'feng' }, { zh: '温', en: 'wen' },
  { zh: '贾', en: 'jia' }, { zh: '靳', en: 'jin' }, { zh: '曹', en: 'cao' }, { zh: '孙', en: 'sun' },
];
const SUFFIXES: Name[] = [
  { zh: '村', en: '' }, { zh: '庄', en: 'zhuang' }, { zh: '堡', en: 'bao' },
];

/** Every village name the generator can draw from, in a fixed order. */
export function villageNames(): Name[] {
  const names: Name[] = [];
  for (const p of PREFIXES) {
    for (const s of SURNAMES) {
      for (const x of SUFFIXES) {
        names.push({ zh: `${p.zh}${s.zh}${x.zh}`, en: `${p.en}${s.en}${x.en} Village` });
      }
    }
  }
  return names;
}

/** City streets: east–west 街 from south to north, north–south 路 from west to east. */
export const CITY_ROWS: Name[] = [
  { zh: '南环街', en: 'Nanhuan Street' }, { zh: '育才街', en: 'Yucai Street' }, { zh: '建设街', en: 'Jianshe Street' },
  { zh: '顺城街', en: 'Shuncheng Street' }, { zh: '新华街', en: 'Xinhua Street' }, { zh: '文化街', en: 'Wenhua Street' },
  { zh: '振兴街', en: 'Zhenxing Street' }, { zh: '北坛街', en: 'Beitan Street' }, { zh: '北环街', en: 'Beihuan Street' },
];
export const CITY_COLUMNS: Name[] = [
  { zh: '西环路', en: 'Xihuan Road' }, { zh: '西关路', en: 'Xiguan Road' }, { zh: '府前路', en: 'Fuqian Road' },
  { zh: '顺城路', en: 'Shuncheng Road' }, { zh: '红旗路', en: 'Hongqi Road' }, { zh: '中心路', en: 'Zhongxin Road' },
  { zh: '东风路', en: 'Dongfeng Road' }, { zh: '宏远路', en: 'Hongyuan Road' }, { zh: '东关路', en: 'Dongguan Road' },
  { zh: '华远路', en: 'Huayuan Road' }, { zh: '东环路', en: 'Donghuan Road' },
];
