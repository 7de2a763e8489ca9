import type { ConsultationMediaType } from '@dispatch/protocol';

/** The first bytes of each file a consultation takes (JPEG SOI + marker, the PNG signature, "%PDF-"). */
const SIGNATURES: Record<ConsultationMediaType, number[]> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d],
};

/**
 * What a file is by its first bytes, whatever it was declared as: a browser shown a file of one type served as
 * another may sniff it into something that runs, so only these three signatures are ever stored.
 */
export function sniffMediaType(bytes: Uint8Array): ConsultationMediaType | null {
  for (const [type, signature] of Object.entries(SIGNATURES) as [ConsultationMediaType, number[]][]) {
    if (bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b)) return type;
  }
  return null;
}
