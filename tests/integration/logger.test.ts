import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { serverSuite } from '../support/demoSuite';
import { createLoggedInUser, startTestServer } from '../support/server';
import { createLogger } from '@dispatch/server/logger';

/** Personal data a call carries: none of it may appear in any log line, whatever fails. */
const PHONE = '13912345678';
const ADDRESS = '张兰镇幸福村三号院';
const NAME = '王秀英';
const SUMMARY = '孕妇腹痛出血';

/** Everything the server logs, as the text a log shipper would read. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, log: createLogger('debug', stream), text: () => lines.join('') };
}

describe('logs without personal data', () => {
  const logged = capture();
  const server = serverSuite(() => startTestServer({}, logged.log));
  let token: string;

  beforeAll(async () => {
    token = (await createLoggedInUser(server, { username: 'disp-log', role: 'dispatcher' })).token;
  });

  it("drops PostgreSQL's detail, parameters and quoted input from a logged error, keeping code and constraint", async () => {
    const db = server.database.db;
    const { lines, log, text } = capture();
    // A real check violation: its detail is "Failing row contains (..., 13912345678, 张兰镇…)".
    const violation = await db
      .query(
        `INSERT INTO incidents (category, priority, location, address, caller_phone, patient_summary, call_received_at, call_answered_at)
         VALUES ('other', 3, ST_SetSRID(ST_MakePoint(111.9, 37.0), 4326), $1, $2, $3, now(), now() - interval '1 hour')`,
        [ADDRESS, PHONE, SUMMARY],
      )
      .catch((e: Error) => e);
    expect(String((violation as { detail?: string }).detail)).toContain(PHONE);
    const badInput = await db.query('SELECT $1::uuid', [`${PHONE} ${NAME}`]).catch((e: Error) => e);
    expect((badInput as Error).message).toContain(PHONE);
    log.error({ err: violation }, 'insert failed');
    log.error({ err: badInput, message: (badInput as Error).message }, 'query failed');
    log.warn({ err: (violation as Error).message, body: { callerPhone: PHONE, address: ADDRESS }, displayName: NAME, patientSummary: SUMMARY }, 'request failed');
    expect(lines).toHaveLength(3);
    for (const secret of [PHONE, ADDRESS, NAME, SUMMARY, 'Failing row']) expect(text()).not.toContain(secret);
    const first = JSON.parse(lines[0]!);
    expect(first.err).toMatchObject({ type: 'error', code: '23514', constraint: 'incidents_answer_after_ring', table: 'incidents' });
    expect(first.err.detail).toBeUndefined();
  });

  it('logs a server fault and refused requests carrying personal data without any of it', async () => {
    // A real fault with the caller's data in its message and detail, as a failing trigger or a bug would raise it.
    await server.database.db.query(`
      CREATE FUNCTION leak_row() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'cannot store call from %', NEW.caller_phone USING DETAIL = format('Failing row contains (%s, %s)', NEW.caller_phone, NEW.address);
      END $$;
      CREATE TRIGGER leak_row BEFORE INSERT ON incidents FOR EACH ROW EXECUTE FUNCTION leak_row();`);
    const post = (body: unknown) =>
      fetch(`${server.baseUrl}/api/incidents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const call = { location: { lon: 111.913, lat: 37.027 }, category: 'obstetric', priority: 1, callerPhone: PHONE, address: ADDRESS, patientSummary: `${NAME} ${SUMMARY}` };
    expect((await post(call)).status).toBe(500);
    expect((await post({ ...call, address: `${ADDRESS}\u0000` })).status).toBe(400);
    expect((await post({ ...call, callReceivedAt: '1900-01-01T00:00:00Z' })).status).toBe(400);
    const login = await fetch(`${server.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: NAME, password: PHONE }) });
    expect(login.status).toBe(401);
    await server.database.db.query('DROP TRIGGER leak_row ON incidents');

    expect(logged.text()).toContain('unhandled error');
    for (const secret of [PHONE, ADDRESS, NAME, SUMMARY, 'Failing row contains (']) expect(logged.text()).not.toContain(secret);
  });
});
