import { describe, expect, it } from 'vitest';
import { sniffMediaType } from './fileType';

describe('sniffMediaType', () => {
  it('knows JPEG, PNG and PDF by their first bytes', () => {
    expect(sniffMediaType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('image/jpeg');
    expect(sniffMediaType(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffMediaType(new TextEncoder().encode('%PDF-1.7\n'))).toBe('application/pdf');
  });

  it('knows nothing else, however it is named: HTML, SVG, GIF, a cut signature, nothing', () => {
    expect(sniffMediaType(new TextEncoder().encode('<html><script>alert(1)</script>'))).toBeNull();
    expect(sniffMediaType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffMediaType(new TextEncoder().encode('GIF89a'))).toBeNull();
    expect(sniffMediaType(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
    expect(sniffMediaType(new Uint8Array())).toBeNull();
  });
});
