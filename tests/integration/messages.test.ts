import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { MessageDto } from '@dispatch/protocol';
import { createLogger } from '@dispatch/server/logger';
import { CrewAgent } from '@dispatch/vehicle-agent/agent/crewAgent';
import { MemoryOutbox } from '@dispatch/vehicle-agent/agent/outbox';
import { dispatchFirst, openSocket } from '../support/api';
import { startDemoServer } from '../support/demoServer';
import { demoSuite, serverSuite } from '../support/demoSuite';
import { expectRefusal } from '../support/expectations';
import { eventually } from '../support/wait';

/** The text channel of a task between the dispatchers and its crew: stored with the incident, pushed, replayed. */
describe('task messages between dispatchers and the crew', () => {
  const { server, clients: [dispatcher], tokens } = demoSuite({ ACK_TIMEOUT_S: '900', LOG_LEVEL: 'error' }, 'dispatcher');

  const dispatchTask = async () => {
    const { incident, offer } = await dispatchFirst(dispatcher, { location: { lon: 111.92, lat: 37.03 }, category: 'trauma', priority: 2 });
    const crew = server.logins.crews.find((c) => c.callSign === offer.assignment.callSign)!;
    const other = server.logins.crews.find((c) => c.callSign !== offer.assignment.callSign)!;
    return { incident, assignmentId: offer.assignment.id, crew, other };
  };

  it('pushes a dispatcher message to the consoles and the crew only, and the crew quick reply back; replays store once', async () => {
    const { assignmentId, crew, other } = await dispatchTask();
    const crewLogin = await server.as(crew.username);
    const consoleSocket = await openSocket(server.baseUrl, tokens.dispatcher);
    const crewSocket = await openSocket(server.baseUrl, crewLogin.token);
    const otherSocket = await openSocket(server.baseUrl, (await server.as(other.username)).token);

    const planted = '<img src=x onerror=alert(1)> 请从北门进入';
    const sent = await dispatcher.call('sendMessage', { params: { id: assignmentId }, body: { messageId: crypto.randomUUID(), text: `  ${planted}  ` } });
    expect(sent).toMatchObject({ assignmentId, side: 'dispatch', text: planted, quickReply: null });
    expect((await crewSocket.waitFor('message.posted', (m) => m.id === sent.id)).text).toBe(planted);
    await consoleSocket.waitFor('message.posted', (m) => m.id === sent.id);

    const reply = { assignmentId, messageId: crypto.randomUUID(), text: '收到', quickReply: 'received' as const, deviceTime: new Date().toISOString() };
    const answer = await crewSocket.socket.timeout(5000).emitWithAck('message.sent', reply);
    expect(answer).toMatchObject({ ok: true, message: { id: reply.messageId, side: 'crew', quickReply: 'received', text: '收到' } });
    await consoleSocket.waitFor('message.posted', (m) => m.id === reply.messageId);
    // The same message again (an outbox replay after a lost acknowledgement): the stored one, nothing new.
    const replayed = await crewSocket.socket.timeout(5000).emitWithAck('message.sent', reply);
    expect(replayed).toMatchObject({ ok: true, message: { id: reply.messageId } });
    const listed = await crewLogin.api.call('listMessages', { params: { id: assignmentId } });
    expect(listed.map((m: MessageDto) => [m.side, m.text])).toEqual([['dispatch', planted], ['crew', '收到']]);
    expect(consoleSocket.received.filter((r) => r.event === 'message.posted' && r.payload.id === reply.messageId)).toHaveLength(1);
    expect(otherSocket.received.filter((r) => r.event === 'message.posted')).toEqual([]);
    for (const s of [consoleSocket, crewSocket, otherSocket]) s.close();
  });

  it('lets only the dispatchers and the crew of the task read and write', async () => {
    const { assignmentId, other } = await dispatchTask();
    const otherCrew = (await server.as(other.username)).api;
    const hospital = (await server.as(server.logins.hospitals[0]!.username)).api;
    const body = { messageId: crypto.randomUUID(), text: '你好' };
    await expectRefusal(otherCrew.call('listMessages', { params: { id: assignmentId } }), 403, /not your vehicle/);
    await expectRefusal(otherCrew.call('sendMessage', { params: { id: assignmentId }, body }), 403, /not your vehicle/);
    await expectRefusal(hospital.call('listMessages', { params: { id: assignmentId } }), 403, /role hospital/);
    await expectRefusal(dispatcher.call('listMessages', { params: { id: crypto.randomUUID() } }), 404, /assignment/);
    const stored = await server.database.db.query('SELECT count(*)::int AS n FROM task_messages WHERE assignment_id = $1', [assignmentId]);
    expect(stored.rows[0].n).toBe(0);
  });

  it('refuses empty, oversized or control-character text and a reused id with 4xx naming the field', async () => {
    const { assignmentId } = await dispatchTask();
    const send = (body: Record<string, unknown>) => dispatcher.call('sendMessage', { params: { id: assignmentId }, body: { messageId: crypto.randomUUID(), ...body } as never });
    await expectRefusal(send({ text: '   ' }), 400, /text/);
    await expectRefusal(send({ text: '长'.repeat(501) }), 400, /text/);
    await expectRefusal(send({ text: 'a\u0007b' }), 400, /text/);
    await expectRefusal(send({ text: 'ok', deviceTime: '2099-01-01T00:00:00Z' }), 400, /deviceTime/);
    await expectRefusal(dispatcher.call('sendMessage', { params: { id: assignmentId }, body: { text: 'no id' } as never }), 400, /messageId/);
    const first = await send({ text: 'first' });
    const elsewhere = await dispatchTask();
    await expectRefusal(dispatcher.call('sendMessage', { params: { id: elsewhere.assignmentId }, body: { messageId: first.id, text: 'again' } }), 409, /messageId/);
  });

  it('refuses a message to a task that has ended, and keeps its messages readable', async () => {
    const { incident, assignmentId } = await dispatchTask();
    await dispatcher.call('sendMessage', { params: { id: assignmentId }, body: { messageId: crypto.randomUUID(), text: '取消前' } });
    await dispatcher.call('cancelIncident', { params: { id: incident.id }, body: { reason: 'test' } });
    await expectRefusal(dispatcher.call('sendMessage', { params: { id: assignmentId }, body: { messageId: crypto.randomUUID(), text: '取消后' } }), 409, /assignment/);
    expect((await dispatcher.call('listMessages', { params: { id: assignmentId } })).map((m: MessageDto) => m.text)).toEqual(['取消前']);
  });

  it('sends a crew message through the agent outbox and catches up what was written while it was away', async () => {
    const { assignmentId, crew } = await dispatchTask();
    const agent = new CrewAgent({ baseUrl: server.baseUrl, username: crew.username, password: server.logins.passwords[crew.username], outbox: new MemoryOutbox(), transports: ['websocket'], reconnectDelayMs: 100 });
    try {
      // Written before the crew's tablet started: the agent's resync brings it.
      await dispatcher.call('sendMessage', { params: { id: assignmentId }, body: { messageId: crypto.randomUUID(), text: '患者在三楼' } });
      await agent.start();
      await eventually(async () => agent.state.messages.some((m) => m.text === '患者在三楼'));
      await agent.sendMessage('需要支援', 'need_backup');
      await agent.whenDelivered();
      const listed = await dispatcher.call('listMessages', { params: { id: assignmentId } });
      expect(listed.map((m: MessageDto) => [m.side, m.text, m.quickReply])).toEqual([['dispatch', '患者在三楼', null], ['crew', '需要支援', 'need_backup']]);
      expect(agent.state.outgoing).toEqual([]);
      await expect(agent.sendMessage('x'.repeat(501))).rejects.toThrow(/text/);
    } finally {
      await agent.stop();
    }
  });
});

describe('task messages in the logs', () => {
  const lines: string[] = [];
  const log = createLogger('debug', new Writable({ write: (chunk, _encoding, done) => done(void lines.push(String(chunk))) }));
  const server = serverSuite(() => startDemoServer({ ACK_TIMEOUT_S: '900' }, log));

  it('never writes a message text to the log, whether it is taken or refused', async () => {
    const { api: dispatcher } = await server.as('dispatcher');
    const { incident, offer } = await dispatchFirst(dispatcher, { location: { lon: 111.92, lat: 37.03 }, category: 'obstetric', priority: 1 });
    const crew = server.logins.crews.find((c) => c.callSign === offer.assignment.callSign)!;
    const crewSocket = await openSocket(server.baseUrl, (await server.as(crew.username)).token);
    const secret = '孕妇王秀英阴道出血 13912345678';
    const id = offer.assignment.id;
    await dispatcher.call('sendMessage', { params: { id }, body: { messageId: crypto.randomUUID(), text: secret } });
    await crewSocket.socket.timeout(5000).emitWithAck('message.sent', { assignmentId: id, messageId: crypto.randomUUID(), text: `${secret}\u0007` });
    await crewSocket.socket.timeout(5000).emitWithAck('message.sent', { assignmentId: id, messageId: crypto.randomUUID(), text: secret.repeat(40) });
    await dispatcher.call('cancelIncident', { params: { id: incident.id }, body: { reason: 'test' } });
    await expectRefusal(dispatcher.call('sendMessage', { params: { id }, body: { messageId: crypto.randomUUID(), text: secret } }), 409, /ended/);
    crewSocket.close();
    expect(lines.length).toBeGreaterThan(0);
    const text = lines.join('');
    for (const part of ['王秀英', '阴道出血', '13912345678']) expect(text).not.toContain(part);
  });
});
