import { Writable } from 'node:stream';
import { DEMO_REGISTER_PHONES, type ApiClient, type RegisterImportReport } from '@dispatch/protocol';
import { createLogger } from '@dispatch/server/logger';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatchFirst } from '../support/api';
import { serverSuite } from '../support/demoSuite';
import { startDemoServer } from '../support/demoServer';
import { expectRefusal } from '../support/expectations';

/** Everything the server logs: no name, phone or address of the register may be in it. */
const logged: string[] = [];
const log = createLogger('debug', new Writable({ write: (chunk, _e, done) => done(void logged.push(String(chunk))) }));

const CITY = { lon: 111.92, lat: 37.03 };

// A 公卫 export: Chinese headers, groups and colours in words; one row of each outcome.
const CSV = [
  '健康档案编号,姓名,出生日期,联系电话,现住址,重点人群,档案标识,家庭医生团队,团队联系电话',
  '1407810001,李秀英,1948-03-02,139 1234 5601,城区顺城街12号,高血压、糖尿病,橙色;红色,北关社区家庭医生一团队,0354-7220001',
  '1407810002,王建国,1990-07-15,+86 139-1234-5602,张兰镇东街3号,残疾人,绿色,张兰镇卫生院二团队,13700000002',
  '1407810003,赵小红,1995-01-01,13912345603,,孕产妇,,义棠镇卫生院团队,',
  '1407810004,周平,1980-05-05,13912345604,,,,,', // no group, no flag: skipped
  '1407810001,李秀英,1948-03-02,13912345601,城区顺城街12号,高血压,橙色,北关社区家庭医生一团队,', // duplicate id: skipped
  '1407810005,陈明,1970-13-40,13912345605,,慢性病,橙色,,', // a date that is none: refused
  '1407810006,孙丽,1960-02-02,13912345606,,飞行员,,,', // an unknown group: refused
  '1407810007,,1960-02-02,13912345607,,慢性病,,,', // no name: refused
].join('\n');

const bundle = {
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    { fullUrl: 'urn:uuid:team-1', resource: { resourceType: 'Organization', id: 'team-1', name: '城关社区家庭医生三团队', telecom: [{ system: 'phone', value: '0354-7220003' }] } },
    {
      fullUrl: 'urn:uuid:p-1',
      resource: {
        resourceType: 'Patient', id: 'p-1', identifier: [{ system: 'urn:oid:2.16.156.10011.1.2', value: 'F-0001' }],
        name: [{ family: '刘', given: ['桂兰'] }], birthDate: '1950-06-01', telecom: [{ system: 'phone', value: '13912345611', use: 'mobile' }],
        address: [{ text: '城区 北关街 8 号' }], generalPractitioner: [{ reference: 'urn:uuid:team-1', display: '三团队' }],
      },
    },
    { resource: { resourceType: 'Flag', status: 'active', code: { coding: [{ system: 'urn:example:colour', code: 'yellow' }] }, subject: { reference: 'urn:uuid:p-1' } } },
    { resource: { resourceType: 'Flag', status: 'active', code: { text: '红色标识' }, category: [{ text: '老年人' }], subject: { reference: 'Patient/p-1' } } },
    {
      resource: {
        resourceType: 'Patient', id: 'p-2', name: [{ text: '马强' }], birthDate: 'not a date', telecom: [{ system: 'phone', value: '13912345612' }],
      },
    },
    { resource: { resourceType: 'Flag', status: 'active', code: { text: '蓝色' }, subject: { reference: 'Patient/p-2' } } },
    { resource: { resourceType: 'Patient', id: 'p-3', name: [{ text: '胡雪' }], active: false } },
    { resource: { resourceType: 'Flag', status: 'active', code: { text: '紫色' }, subject: { reference: 'Patient/p-1' } } },
    { resource: { resourceType: 'Flag', status: 'active', code: { text: '绿色' }, subject: { reference: 'Patient/nobody' } } },
    {
      resource: {
        resourceType: 'Patient', id: 'p-4', name: [{ text: '郭军' }], telecom: [{ system: 'phone', value: '13912345614' }],
        contained: [{ resourceType: 'PractitionerRole', id: 'gp', organization: { display: '连福镇卫生院团队' }, telecom: [{ system: 'phone', value: '13700000014' }] }],
        generalPractitioner: [{ reference: '#gp' }],
      },
    },
    { resource: { resourceType: 'Flag', status: 'inactive', code: { text: '红色' }, subject: { reference: 'Patient/p-4' } } },
    { resource: { resourceType: 'Flag', status: 'active', code: { coding: [{ code: 'chronic' }] }, subject: { reference: 'Patient/p-4' } } },
  ],
};

describe('the priority-group register (重点人群)', () => {
  const server = serverSuite(() => startDemoServer({}, log));
  let admin: ApiClient;
  let adminToken: string;
  let dispatcher: ApiClient;
  let supervisor: ApiClient;

  const upload = async (format: 'csv' | 'fhir', body: string, token = adminToken, type = format === 'csv' ? 'text/csv' : 'application/fhir+json') => {
    const res = await fetch(`${server.baseUrl}/api/register/imports?format=${format}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
    return { status: res.status, body: (await res.json()) as RegisterImportReport & { error?: string } };
  };

  beforeAll(async () => {
    ({ api: admin, token: adminToken } = await server.as('admin'));
    dispatcher = (await server.as('dispatcher')).api;
    supervisor = (await server.as('supervisor')).api;
  });

  it('imports a 公卫 CSV row by row: added, skipped and refused with the field, and a re-import matches every record', async () => {
    const first = await upload('csv', CSV);
    expect(first.status).toBe(200);
    expect(first.body.counts).toEqual({ added: 3, matched: 0, skipped: 2, refused: 3 });
    expect(first.body.rows.map((r) => [r.row, r.outcome, r.reason, r.field])).toEqual([
      [5, 'skipped', 'noPriority', null],
      [6, 'skipped', 'duplicateInFile', 'recordId'],
      [7, 'refused', 'badFormat', 'birthDate'],
      [8, 'refused', 'notInList', 'groups'],
      [9, 'refused', 'required', 'name'],
    ]);
    const again = await upload('csv', CSV);
    expect(again.body.counts).toEqual({ added: 0, matched: 3, skipped: 2, refused: 3 });
    const page = await admin.call('residentPage', { query: { q: '1407810001' } });
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({
      name: '李秀英', groups: ['chronic', 'elderly'], flags: ['orange', 'red'], team: { name: '北关社区家庭医生一团队', phone: '0354-7220001' },
    });
  });

  it('imports a FHIR R4 Bundle of Patient and Flag: colours from Flag.code, the team from generalPractitioner, refusals naming the element', async () => {
    const { status, body } = await upload('fhir', JSON.stringify(bundle));
    expect(status).toBe(200);
    expect(body.counts).toEqual({ added: 2, matched: 0, skipped: 1, refused: 3 });
    expect(body.rows.map((r) => [r.row, r.outcome, r.reason, r.field])).toEqual([
      [4, 'refused', 'badFormat', 'Patient.birthDate'],
      [6, 'skipped', 'inactive', 'Patient.active'],
      [7, 'refused', 'notInList', 'Flag.code'],
      [8, 'refused', 'unknownPatient', 'Flag.subject'],
    ]);
    const [liu] = (await admin.call('residentPage', { query: { q: 'F-0001' } })).items;
    expect(liu).toMatchObject({ source: 'fhir', name: '刘桂兰', flags: ['red', 'yellow'], groups: ['elderly'], team: { name: '城关社区家庭医生三团队', phone: '0354-7220003' } });
    const [guo] = (await admin.call('residentPage', { query: { q: '郭军' } })).items;
    expect(guo).toMatchObject({ flags: [], groups: ['chronic'], team: { name: '连福镇卫生院团队', phone: '13700000014' } });
    expect((await upload('fhir', JSON.stringify(bundle))).body.counts).toMatchObject({ added: 0, matched: 2 });
  });

  it('refuses a file that is no register with a 4xx naming what is wrong, and other roles', async () => {
    expect(await upload('csv', '姓名,电话\n张三,139')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^recordId: the column 健康档案编号/) } });
    expect(await upload('fhir', '{"resourceType":"Patient"}')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^body\.resourceType: expected a FHIR Bundle/) } });
    expect(await upload('fhir', 'not json')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^body: not JSON/) } });
    expect((await upload('csv', CSV, adminToken, 'multipart/form-data; boundary=x')).status).toBe(415);
    expect((await upload('csv', CSV, (await server.as('dispatcher')).token)).status).toBe(403);
    await expectRefusal(dispatcher.call('residentPage', { query: {} }), 403, 'role dispatcher may not search the priority-group register');
    await expectRefusal(dispatcher.call('matchRegister', { body: {} }), 400, /^callerPhone: give callerPhone or address/);
    await expectRefusal(admin.call('residentPage', { query: { flag: 'purple' as never } }), 400, /^flag/);
  });

  it('shows the dispatcher the flags and team of a caller by number (+86, spaces) or by address, audited as register.read', async () => {
    const byPhone = await dispatcher.call('matchRegister', { body: { callerPhone: '+86 139 1234 5601' } });
    expect(byPhone.matches).toMatchObject([{ name: '李秀英', flags: ['orange', 'red'], matchedBy: ['phone'], team: { phone: '0354-7220001' } }]);
    const byAddress = await dispatcher.call('matchRegister', { body: { address: '城区 北关街8号' } });
    expect(byAddress.matches).toMatchObject([{ name: '刘桂兰', matchedBy: ['address'] }]);
    expect((await dispatcher.call('matchRegister', { body: { callerPhone: '13000000000', address: '无此地址' } })).matches).toEqual([]);
    const audit = await supervisor.call('audit', { query: { action: 'register.read', entityType: 'intake' } });
    expect(audit.length).toBeGreaterThanOrEqual(3);
    expect(audit.some((a) => (a.details as { residentIds: string[] }).residentIds.includes(byPhone.matches[0]!.residentId))).toBe(true);
  });

  it('links the matched resident to the incident: the crew sees the flags and team, the hospital only the colours, each read audited', async () => {
    const { incident, offer } = await dispatchFirst(dispatcher, { location: CITY, category: 'chest_pain', priority: 1, callerPhone: '13912345601', address: '城区顺城街12号' });
    const linked = await dispatcher.call('getIncidentRegister', { params: { id: incident.id } });
    expect(linked.matches).toMatchObject([{ name: '李秀英', matchedBy: ['phone', 'address'], flags: ['orange', 'red'] }]);

    const crewLogin = server.logins.crews.find((c) => c.callSign === offer.assignment.callSign)!;
    const crew = (await server.as(crewLogin.username)).api;
    const task = await crew.call('getAssignmentRegister', { params: { id: offer.assignment.id } });
    expect(task.matches).toMatchObject([{ name: '李秀英', groups: ['chronic', 'elderly'], flags: ['orange', 'red'], team: { name: '北关社区家庭医生一团队' } }]);
    const otherCrew = server.logins.crews.find((c) => c.callSign !== offer.assignment.callSign)!;
    await expectRefusal((await server.as(otherCrew.username)).api.call('getAssignmentRegister', { params: { id: offer.assignment.id } }), 403, /not your vehicle/);

    const hospitals = await dispatcher.call('listHospitals');
    const [ownLogin, otherLogin] = server.logins.hospitals;
    const hospitalId = hospitals.find((h) => h.name === ownLogin!.name)!.id;
    const notice = await dispatcher.call('sendNotice', { params: { id: offer.assignment.id }, body: { hospitalId } });
    const hospital = (await server.as(ownLogin!.username)).api;
    const care = await hospital.call('getNoticeCareFlags', { params: { id: notice.id } });
    expect(care).toEqual({ noticeId: notice.id, flags: ['red', 'orange'] });
    const raw = JSON.stringify(care);
    for (const secret of ['李秀英', '北关社区', '0354', 'chronic', 'elderly']) expect(raw).not.toContain(secret);
    await expectRefusal((await server.as(otherLogin!.username)).api.call('getNoticeCareFlags', { params: { id: notice.id } }), 403, /not your hospital/);
    // The notice's FHIR bundle carries them as Flag resources on its Patient, and nothing else of the register.
    const fhir = await hospital.call('getNoticeFhir', { params: { id: notice.id } });
    const patientUrl = fhir.entry.find((e) => e.resource.resourceType === 'Patient')!.fullUrl;
    const flags = fhir.entry.filter((e) => e.resource.resourceType === 'Flag').map((e) => e.resource as { code: { coding: { code: string }[] }; subject: { reference: string } });
    expect(flags.map((f) => f.code.coding[0]!.code)).toEqual(['red', 'orange']);
    expect(flags.every((f) => f.subject.reference === patientUrl)).toBe(true);
    for (const secret of ['李秀英', '北关社区', '0354-7220001']) expect(JSON.stringify(fhir)).not.toContain(secret);
    await expectRefusal(hospital.call('getIncidentRegister', { params: { id: incident.id } }), 403, /role hospital may not/);

    const reads = await supervisor.call('audit', { query: { action: 'register.read', entityType: 'incident', entityId: incident.id } });
    expect(reads.map((a) => `${a.actor.role} ${(a.details as { via: string }).via}`).sort()).toEqual(
      ['crew register.readTask', 'dispatcher register.readIncident', 'hospital register.readCare', 'hospital register.readCare'].sort(),
    );
  });

  it('writes a follow-up notice for the family-doctor team when the incident closes, listed until the team system acknowledges it', async () => {
    const incident = await dispatcher.call('createIncident', { body: { location: CITY, category: 'other', priority: 3, callerPhone: '13912345603' } });
    expect((await supervisor.call('listRegisterFollowUps', { query: { status: 'pending' } })).some((f) => f.incidentId === incident.id)).toBe(false);
    await dispatcher.call('closeIncident', { params: { id: incident.id } });
    const pending = (await supervisor.call('listRegisterFollowUps', { query: { status: 'pending' } })).filter((f) => f.incidentId === incident.id);
    expect(pending).toMatchObject([{ status: 'pending', incidentNumber: incident.number, resident: { name: '赵小红' }, team: { name: '义棠镇卫生院团队', phone: null } }]);
    expect(pending[0]!.message).toContain(`#${incident.number}`);
    expect((await supervisor.call('markRegisterFollowUpsSent', { body: { ids: [pending[0]!.id] } })).sent).toEqual([pending[0]!.id]);
    expect((await supervisor.call('markRegisterFollowUpsSent', { body: { ids: [pending[0]!.id] } })).sent).toEqual([]);
    const sent = (await supervisor.call('listRegisterFollowUps', { query: { status: 'sent' } })).find((f) => f.id === pending[0]!.id);
    expect(sent).toMatchObject({ status: 'sent', sentAt: expect.any(String) });
    await expectRefusal(supervisor.call('markRegisterFollowUpsSent', { body: { ids: [crypto.randomUUID()] } }), 404, /^ids\.0: follow-up/);
    await expectRefusal(supervisor.call('markRegisterFollowUpsSent', { body: { ids: ['x'] } }), 400, /^ids\.0/);
    await expectRefusal(dispatcher.call('listRegisterFollowUps', { query: {} }), 403, /role dispatcher may not/);
  });

  it('seeds the demo county with residents whose numbers the demo calls ring from', async () => {
    const { matches } = await dispatcher.call('matchRegister', { body: { callerPhone: DEMO_REGISTER_PHONES[0] } });
    expect(matches).toMatchObject([{ name: '张桂芳', flags: ['orange', 'red'], groups: ['chronic', 'elderly'], team: { name: '城关社区家庭医生一团队' } }]);
    const demo = await admin.call('residentPage', { query: { q: 'DEMO-', pageSize: 50 } });
    expect(demo.items.map((r) => r.phone).sort()).toEqual([...DEMO_REGISTER_PHONES].sort());
    expect(new Set(demo.items.flatMap((r) => r.flags))).toEqual(new Set(['red', 'orange', 'yellow', 'blue', 'green']));
  });

  it('never writes a name, number or address of the register to the log', () => {
    const text = logged.join('');
    for (const secret of ['李秀英', '刘桂兰', '13912345601', '1234 5601', '顺城街', '北关街']) expect(text).not.toContain(secret);
  });
});
