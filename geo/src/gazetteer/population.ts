/**
 * The number of people OSM's `population` tag gives, or null when it gives no count. Mappers write "1234",
 * "1,234", "1 234", "约1200" (about), "1.2万" (ten thousands), "～800人", "3180 (2012)"; all of these read as a
 * count. Anything else is not guessed at: a range ("800-1000"), several values ("1200;1300"), a decimal count,
 * words, a negative number or one above any city's size give null (the place then counts with the fallback of
 * coverage/demandWeights.ts rather than with a wrong figure).
 */
export function parsePopulation(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= MAX_POPULATION ? value : null;
  if (typeof value !== 'string') return null;
  let text = value
    // Full-width digits and punctuation (１２３４，５６７) as ASCII.
    .replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[，]/g, ',')
    .replace(/[．]/g, '.')
    .replace(/\s+/g, ' ')
    .trim();
  // A year or source in brackets after the count: "3180 (2012)", "3180（2012年）".
  text = text.replace(/\s*[(（][^)）]*[)）]\s*$/, '');
  // "about": 约, 大约, 近, ~, ～, ca., approx., c.
  text = text.replace(/^(?:大约|约|近|~|～|≈|ca\.?|approx\.?|about|c\.)\s*/i, '');
  // People: 人, 口人; "+" ("1200+") reads as the count.
  text = text.replace(/\s*(?:口人|人|\+)$/, '');
  // In ten thousands or thousands, a decimal allowed: "1.2万", "3千".
  const scaled = /^(\d+(?:\.\d+)?)\s*(万|千)$/.exec(text);
  // A plain count, its thousands grouped by one separator ("1,234,567", "1 234", "1.234", "1'234") or not.
  const plain = /^(?:\d{1,3}(?:([, '.])\d{3})(?:\1\d{3})*|\d+)$/.test(text);
  if (!scaled && !plain) return null;
  const count = scaled ? Math.round(Number(scaled[1]) * (scaled[2] === '万' ? 10_000 : 1_000)) : Number(text.replace(/[, '.]/g, ''));
  return Number.isSafeInteger(count) && count <= MAX_POPULATION ? count : null;
}

/** Above the largest city's population: a typo or a unit mix-up, not a count. */
const MAX_POPULATION = 40_000_000;
