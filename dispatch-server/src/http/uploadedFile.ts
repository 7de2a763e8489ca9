import type { Request } from 'express';
import { HttpError } from './errors';

/** Bodies that are a form or JSON (the JSON parser has read them already) are not a file. */
const NOT_A_FILE = /^(application\/(json|x-www-form-urlencoded)|multipart\/)/;

/**
 * The request's body as it came (a file's bytes): a form or JSON body is refused for its type (415), a body past
 * `maxBytes` before reading when its length is declared, else as soon as it is passed (413), an empty one (400).
 * @param expected what to send instead, said in the 415 ("text/csv or xlsx")
 */
export async function readUploadedFile(req: Request, maxBytes: number, expected: string): Promise<Buffer> {
  const type = String(req.headers['content-type'] ?? '');
  if (NOT_A_FILE.test(type)) throw new HttpError(415, `body: send the file itself (${expected}), not ${type.split(';')[0]}`);
  const tooLarge = () => new HttpError(413, `body: the file is larger than ${maxBytes / 1048576} MB`);
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  if (size === 0) throw new HttpError(400, 'body: the file is empty');
  return Buffer.concat(chunks);
}
