import { describe, expect, it } from 'vitest';
import { parsePopulation } from './population';

describe('the population tag', () => {
  it('reads a count however mappers write it', () => {
    expect(parsePopulation('1234')).toBe(1234);
    expect(parsePopulation(' 1234 ')).toBe(1234);
    expect(parsePopulation('1,234')).toBe(1234);
    expect(parsePopulation('1,234,567')).toBe(1_234_567);
    expect(parsePopulation('1 234')).toBe(1234);
    expect(parsePopulation('1.234')).toBe(1234);
    expect(parsePopulation("12'500")).toBe(12_500);
    expect(parsePopulation('约1200')).toBe(1200);
    expect(parsePopulation('大约 1,200 人')).toBe(1200);
    expect(parsePopulation('～800人')).toBe(800);
    expect(parsePopulation('~800')).toBe(800);
    expect(parsePopulation('ca. 450')).toBe(450);
    expect(parsePopulation('１２３４')).toBe(1234);
    expect(parsePopulation('１，２３４')).toBe(1234);
    expect(parsePopulation('1.2万')).toBe(12_000);
    expect(parsePopulation('3万人')).toBe(30_000);
    expect(parsePopulation('3千')).toBe(3000);
    expect(parsePopulation('3180 (2012)')).toBe(3180);
    expect(parsePopulation('3180（2012年）')).toBe(3180);
    expect(parsePopulation('1200+')).toBe(1200);
    expect(parsePopulation('0')).toBe(0);
    expect(parsePopulation(2686)).toBe(2686);
  });

  it('gives null for what is not one count rather than guessing', () => {
    for (const junk of [
      '', ' ', 'unknown', '很多', 'n/a', '-5', '800-1000', '1200;1300', '12.5', '1,23', '1,2345', '12,34,567', '1,234.567',
      '1e6', '0x400', '999999999', 'Infinity', 'NaN', '1 234,567',
    ]) {
      expect(parsePopulation(junk), junk).toBeNull();
    }
    expect(parsePopulation(undefined)).toBeNull();
    expect(parsePopulation(null)).toBeNull();
    expect(parsePopulation(-3)).toBeNull();
    expect(parsePopulation(2.5)).toBeNull();
    expect(parsePopulation({ population: 3 })).toBeNull();
  });
});
