import { describe, expect, it } from 'vitest';
import type { ConsultationEntryDto } from '@dispatch/protocol';
import { dispatchFirst, openSocket } from '../support/api';
import { demoSuite } from '../support/demoSuite';
import { expectRefusal } from '../support/expectations';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 1, 2, 3]);
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0]);

/**
 * The consultation of a patient (远程会诊) between the crew, the receiving hospital's doctor and the dispatchers:
 * against the real server, PostgreSQL and sockets.
 */
describe('consultation from the vehicle', () => {
  const { server, clients: [dispatcher], tokens } = demoSuite({ ACK_TIMEOUT_S: '900', HOSPITAL_ACK_TIMEOUT_S: '900', LOG_LEVEL: 'error' }, 'dispatcher', 'admin');

  /** A dispatched task with its notice to the first hospital login's hospital; the crew, both hospitals and another crew. */
  const patient = async () => {
    const { incident, offer } = await dispatchFirst(dispatcher, { location: { lon: 111.92, lat: 37.03 }, category: 'chest_pain', priority: 1 });
    const assignmentId = offer.assignment.id;
    const hospitals = await dispatcher.call('listHospitals');
    const [own, other] = server.logins.hospitals;
    const ownId = hospitals.find((h) => h.name === own!.name)!.id;
    const otherId = hospitals.find((h) => h.name === other!.name)!.id;
    const notice = await dispatcher.call('sendNotice', { params: { id: assignmentId }, body: { hospitalId: ownId } });
    const crew = await server.as(server.logins.crews.find((c) => c.callSign === offer.assignment.callSign)!.username);
    const otherCrew = await server.as(server.logins.crews.find((c) => c.callSign !== offer.assignment.callSign)!.username);
    return { incident, assignmentId, notice, ownId, otherId, crew, otherCrew, hospital: await server.as(own!.username), otherHospital: await server.as(other!.username) };
  };

  const upload = (token: string, assignmentId: string, type: string, body: Uint8Array, query = '') =>
    fetch(`${server.baseUrl}/api/assignments/${assignmentId}/consultation/attachments${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body: new Blob([Buffer.from(body)]),
    });

  it('carries text, the vital-sign series, a photo and the doctor’s answer live to the crew, the receiving hospital and the dispatchers only', async () => {
    const p = await patient();
    const sockets = {
      crew: await openSocket(server.baseUrl, p.crew.token),
      hospital: await openSocket(server.baseUrl, p.hospital.token),
      dispatcher: await openSocket(server.baseUrl, tokens.dispatcher),
      otherCrew: await openSocket(server.baseUrl, p.otherCrew.token),
      otherHospital: await openSocket(server.baseUrl, p.otherHospital.token),
      admin: await openSocket(server.baseUrl, tokens.admin),
    };
    const planted = '<img src=x onerror=alert(1)> ST 段抬高，请会诊';
    const question = await p.crew.api.call('sendConsultationText', { params: { id: p.assignmentId }, body: { entryId: crypto.randomUUID(), text: `  ${planted} ` } });
    expect(question).toMatchObject({ side: 'crew', kind: 'text', text: planted, assignmentId: p.assignmentId, incidentId: p.incident.id });
    for (const s of [sockets.crew, sockets.hospital, sockets.dispatcher]) expect((await s.waitFor('consultation.posted', (e) => e.id === question.id)).text).toBe(planted);

    // Two readings and a retried one: two points of the series, the latest still on the task for the notice.
    const t0 = Date.now() - 120_000;
    for (const [at, heartRate] of [[t0, 112], [t0 + 60_000, 118], [t0 + 60_000, 118]] as const) {
      await p.crew.api.call('recordVitals', { params: { id: p.assignmentId }, body: { heartRate, systolicBp: 150, spo2: 93, measuredAt: new Date(at).toISOString() } });
    }
    const photo = await upload(p.crew.token, p.assignmentId, 'image/png', PNG, `?entryId=${crypto.randomUUID()}&fileName=${encodeURIComponent('心电图 "ECG".png')}&caption=${encodeURIComponent('12 导联')}`);
    expect(photo.status).toBe(201);
    const photoEntry = (await photo.json()) as ConsultationEntryDto;
    expect(photoEntry).toMatchObject({ kind: 'attachment', text: '12 导联', attachment: { mediaType: 'image/png', byteSize: PNG.length, fileName: '心电图 "ECG".png' } });
    await sockets.hospital.waitFor('consultation.posted', (e) => e.id === photoEntry.id);

    const answer = await p.hospital.api.call('sendConsultationText', {
      params: { id: p.assignmentId },
      body: { entryId: crypto.randomUUID(), text: '按 STEMI 处理，直送导管室', replyTo: question.id },
    });
    expect(answer).toMatchObject({ side: 'hospital', replyTo: question.id, hospitalName: server.logins.hospitals[0]!.name });
    expect((await sockets.crew.waitFor('consultation.posted', (e) => e.id === answer.id)).text).toBe('按 STEMI 处理，直送导管室');
    await sockets.dispatcher.waitFor('consultation.posted', (e) => e.id === answer.id);

    const thread = await dispatcher.call('getConsultation', { params: { id: p.assignmentId } });
    expect(thread).toMatchObject({ hospitalId: p.ownId, open: true, incidentNumber: p.incident.number });
    expect(thread.entries.map((e) => e.kind)).toEqual(['text', 'vitals', 'vitals', 'attachment', 'text']);
    expect(thread.entries.filter((e) => e.kind === 'vitals').map((e) => e.vitals?.heartRate)).toEqual([112, 118]);
    // The hospital board reads the same thread through its notice.
    expect((await p.hospital.api.call('getNoticeConsultation', { params: { id: p.notice.id } })).entries.map((e) => e.id)).toEqual(thread.entries.map((e) => e.id));

    const posted = (s: (typeof sockets)[keyof typeof sockets]) => s.received.filter((r) => r.event === 'consultation.posted' && r.payload.assignmentId === p.assignmentId);
    expect(posted(sockets.crew)).toHaveLength(5);
    expect(posted(sockets.otherCrew)).toEqual([]);
    expect(posted(sockets.otherHospital)).toEqual([]);
    expect(posted(sockets.admin)).toEqual([]);
    for (const s of Object.values(sockets)) s.close();
  });

  it('serves a file back only to the consultation’s readers, as what its bytes are, never sniffed, under a name of its own', async () => {
    const p = await patient();
    const pdf = (await (await upload(p.crew.token, p.assignmentId, 'application/pdf', PDF, `?fileName=${encodeURIComponent('a";\r\nx-evil: 1.pdf')}`)).json()) as ConsultationEntryDto;
    const jpeg = (await (await upload(p.hospital.token, p.assignmentId, 'image/jpeg; charset=binary', JPEG)).json()) as ConsultationEntryDto;
    expect([pdf.attachment?.mediaType, jpeg.attachment?.mediaType, jpeg.side]).toEqual(['application/pdf', 'image/jpeg', 'hospital']);

    const get = (token: string, entry: ConsultationEntryDto) => fetch(server.baseUrl + entry.attachment!.url, { headers: { authorization: `Bearer ${token}` } });
    const res = await get(p.hospital.token, pdf);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="consultation-${pdf.id}.pdf"`);
    expect(res.headers.get('x-evil')).toBeNull();
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(PDF))).toBe(true);
    const image = await get(p.crew.token, jpeg);
    expect([image.status, image.headers.get('content-type'), image.headers.get('content-disposition')]).toEqual([200, 'image/jpeg', `inline; filename="consultation-${jpeg.id}.jpg"`]);
    expect((await get(tokens.dispatcher, jpeg)).status).toBe(200);

    for (const token of [p.otherHospital.token, p.otherCrew.token, tokens.admin]) expect((await get(token, pdf)).status).toBe(403);
    await expectRefusal(p.otherHospital.api.call('getConsultation', { params: { id: p.assignmentId } }), 403, /not your hospital/);
    await expectRefusal(p.otherHospital.api.call('getNoticeConsultation', { params: { id: p.notice.id } }), 403, /not your hospital/);
    await expectRefusal(p.otherHospital.api.call('sendConsultationText', { params: { id: p.assignmentId }, body: { entryId: crypto.randomUUID(), text: '我们也看看' } }), 403, /not your hospital/);
    await expectRefusal(p.otherCrew.api.call('getConsultation', { params: { id: p.assignmentId } }), 403, /not your vehicle/);
    expect((await upload(p.otherHospital.token, p.assignmentId, 'image/png', PNG)).status).toBe(403);
    await expectRefusal(dispatcher.call('getConsultation', { params: { id: crypto.randomUUID() } }), 404, /assignment/);
  });

  it('refuses files past the size limit (413), of another type (415) or whose bytes are not what they claim (400), naming the field, storing nothing', async () => {
    const p = await patient();
    const refused = async (res: Response, status: number, field: RegExp) => {
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: string }).error).toMatch(field);
    };
    const big = new Uint8Array(5 * 1024 * 1024 + 1);
    big.set(PNG);
    await refused(await upload(p.crew.token, p.assignmentId, 'image/png', big), 413, /^body: .*5 MB/);
    await refused(await upload(p.crew.token, p.assignmentId, 'image/gif', new TextEncoder().encode('GIF89a')), 415, /^content-type: image\/gif/);
    await refused(await upload(p.crew.token, p.assignmentId, 'text/html', new TextEncoder().encode('<script>alert(1)</script>')), 415, /^content-type/);
    await refused(await upload(p.crew.token, p.assignmentId, 'image/svg+xml', new TextEncoder().encode('<svg/>')), 415, /^content-type/);
    await refused(await upload(p.crew.token, p.assignmentId, 'image/png', PDF), 400, /^body: the file is not a PNG \(its first bytes are a PDF/);
    await refused(await upload(p.crew.token, p.assignmentId, 'application/pdf', new TextEncoder().encode('<html>%PDF-</html>')), 400, /^body: the file is not a PDF/);
    await refused(await upload(p.crew.token, p.assignmentId, 'image/jpeg', new Uint8Array()), 400, /^body: the file is empty/);
    await refused(await upload(p.crew.token, p.assignmentId, 'image/png', PNG, '?entryId=nope'), 400, /entryId/);
    const send = (body: Record<string, unknown>) => p.crew.api.call('sendConsultationText', { params: { id: p.assignmentId }, body: { entryId: crypto.randomUUID(), ...body } as never });
    await expectRefusal(send({ text: '   ' }), 400, /text/);
    await expectRefusal(send({ text: '长'.repeat(1001) }), 400, /text/);
    await expectRefusal(send({ text: 'a\u0007b' }), 400, /text/);
    await expectRefusal(send({ text: '答复', replyTo: crypto.randomUUID() }), 400, /replyTo/);
    const stored = await server.database.db.query('SELECT count(*)::int AS n FROM consultation_entries WHERE assignment_id = $1', [p.assignmentId]);
    expect(stored.rows[0].n).toBe(0);
    // A retried message is stored once (200 and the stored entry the second time).
    const body = { entryId: crypto.randomUUID(), text: '血压下降' };
    const first = await p.crew.api.send('sendConsultationText', { params: { id: p.assignmentId }, body });
    const again = await p.crew.api.send('sendConsultationText', { params: { id: p.assignmentId }, body });
    expect([first.status, again.status]).toEqual([201, 200]);
  });

  it('carries the consultation in the notice’s FHIR bundle: Communications, the Observation series, Media and DocumentReference by URL', async () => {
    const p = await patient();
    const question = await p.crew.api.call('sendConsultationText', { params: { id: p.assignmentId }, body: { entryId: crypto.randomUUID(), text: '胸痛 30 分钟' } });
    await p.crew.api.call('recordVitals', { params: { id: p.assignmentId }, body: { heartRate: 100, measuredAt: new Date(Date.now() - 60_000).toISOString() } });
    await p.crew.api.call('recordVitals', { params: { id: p.assignmentId }, body: { heartRate: 96, spo2: 95, measuredAt: new Date().toISOString() } });
    const photo = (await (await upload(p.crew.token, p.assignmentId, 'image/jpeg', JPEG)).json()) as ConsultationEntryDto;
    const pdf = (await (await upload(p.crew.token, p.assignmentId, 'application/pdf', PDF)).json()) as ConsultationEntryDto;
    const answer = await p.hospital.api.call('sendConsultationText', { params: { id: p.assignmentId }, body: { entryId: crypto.randomUUID(), text: '收到，已启动导管室', replyTo: question.id } });

    const bundle = await p.hospital.api.call('getNoticeFhir', { params: { id: p.notice.id } });
    const of = (type: string) => bundle.entry.filter((e) => e.resource.resourceType === type).map((e) => ({ fullUrl: e.fullUrl, ...e.resource }) as Record<string, any>);
    const communications = of('Communication');
    expect(communications.map((c) => c.fullUrl)).toEqual([question.id, photo.id, pdf.id, answer.id].map((id) => `urn:uuid:${id}`));
    expect(communications[0]!.payload).toEqual([{ contentString: '胸痛 30 分钟' }]);
    expect(communications[3]!.inResponseTo).toEqual([{ reference: `urn:uuid:${question.id}` }]);
    // The series: the earlier reading beside the latest, which the notice's own Observations carry (once).
    const heartRates = of('Observation').filter((o) => o.code.coding[0].code === '8867-4').sort((a, b) => Date.parse(a.effectiveDateTime) - Date.parse(b.effectiveDateTime));
    expect(heartRates.map((o) => o.valueQuantity.value)).toEqual([100, 96]);
    const patientRef = (of('Encounter')[0] as { subject: unknown }).subject;
    expect(heartRates.every((o) => JSON.stringify(o.subject) === JSON.stringify(patientRef))).toBe(true);
    const [media] = of('Media');
    expect(media!.content).toMatchObject({ contentType: 'image/jpeg', size: JPEG.length, url: expect.stringMatching(new RegExp(`/api/consultation-attachments/${photo.id}$`)) });
    expect(media!.content.hash).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(communications[1]!.payload).toEqual([{ contentReference: { reference: media!.fullUrl } }]);
    const [document] = of('DocumentReference');
    expect(document!.content[0].attachment).toMatchObject({ contentType: 'application/pdf', size: PDF.length });
    // By reference only: no file is inlined.
    expect(JSON.stringify(bundle)).not.toContain('"data"');
  });

  it('hands the thread to a new receiving hospital, which reads it whole, and takes it from the old one', async () => {
    const p = await patient();
    const before = await p.crew.api.call('sendConsultationText', { params: { id: p.assignmentId }, body: { entryId: crypto.randomUUID(), text: '改送前' } });
    const oldSocket = await openSocket(server.baseUrl, p.hospital.token);
    const newSocket = await openSocket(server.baseUrl, p.otherHospital.token);
    await dispatcher.call('changeDestination', { params: { id: p.assignmentId }, body: { hospitalId: p.otherId, confirmDestinationLoad: true } });
    const after = await p.crew.api.call('sendConsultationText', { params: { id: p.assignmentId }, body: { entryId: crypto.randomUUID(), text: '改送后' } });
    await newSocket.waitFor('consultation.posted', (e) => e.id === after.id);
    const thread = await p.otherHospital.api.call('getConsultation', { params: { id: p.assignmentId } });
    expect([thread.hospitalId, thread.entries.map((e) => e.id)]).toEqual([p.otherId, [before.id, after.id]]);
    await expectRefusal(p.hospital.api.call('getConsultation', { params: { id: p.assignmentId } }), 403, /not your hospital/);
    expect(oldSocket.received.filter((r) => r.event === 'consultation.posted' && r.payload.id === after.id)).toEqual([]);
    oldSocket.close();
    newSocket.close();

    // An ended task keeps its thread readable and takes nothing more.
    await dispatcher.call('cancelIncident', { params: { id: p.incident.id }, body: { reason: 'test' } });
    expect((await dispatcher.call('getConsultation', { params: { id: p.assignmentId } })).open).toBe(false);
    await expectRefusal(p.crew.api.call('sendConsultationText', { params: { id: p.assignmentId }, body: { entryId: crypto.randomUUID(), text: '再发' } }), 409, /ended/);
  });

});
