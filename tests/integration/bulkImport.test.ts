import ExcelJS from 'exceljs';
import { BULK_MEDIA_TYPES, BulkKind, type BulkFormat, type BulkPreviewDto, type BulkResultDto } from '@dispatch/protocol';
import { describe, expect, it } from 'vitest';
import { apiClient, openSocket } from '../support/api';
import { demoSuite } from '../support/demoSuite';
import { loginAs } from '../support/server';
import { until } from '../support/wait';

/**
 * Bulk import and export through the real server and PostgreSQL: CSV and xlsx files with good and bad rows, the
 * preview that names every bad row and stores nothing, the all-or-nothing commit, one-time passwords for imported
 * logins, and every kind exported and imported back unchanged.
 */
describe('bulk import and export of a county', () => {
  const { server, clients: [admin], tokens } = demoSuite({}, 'admin', 'dispatcher');

  async function send(name: 'preview' | 'commit', kind: BulkKind, format: BulkFormat, data: Buffer | string) {
    const res = await fetch(`${server.baseUrl}/api/bulk/${name}?kind=${kind}&format=${format}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': BULK_MEDIA_TYPES[format] },
      body: typeof data === 'string' ? data : new Uint8Array(data),
    });
    return { status: res.status, body: (await res.json()) as any };
  }
  const preview = async (kind: BulkKind, format: BulkFormat, data: Buffer | string) => {
    const answer = await send('preview', kind, format, data);
    expect(answer.status).toBe(200);
    return answer.body as BulkPreviewDto;
  };
  async function exported(kind: BulkKind, format: BulkFormat, lang = 'zh-CN'): Promise<Buffer> {
    const res = await fetch(`${server.baseUrl}/api/bulk/export?kind=${kind}&format=${format}&lang=${lang}`, { headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain(BULK_MEDIA_TYPES[format]);
    return Buffer.from(await res.arrayBuffer());
  }
  async function xlsx(rows: string[][]): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('sheet');
    for (const row of rows) sheet.addRow(row);
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }
  async function xlsxRows(data: Buffer): Promise<string[][]> {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
    const rows: string[][] = [];
    workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    return rows;
  }
  const errorsOf = (p: BulkPreviewDto) => p.rows.flatMap((r) => r.errors.map((e) => `${e.row}:${e.column}:${e.code}`));

  const stationsCsv = [
    '编码,名称,英文名称,类型,地址,经度,纬度',
    'T-001,测试分站一,Test Substation 1,substation,城区 1 号,111.93,37.03',
    'T-002,,,substation,,111.94,37.04',
    'T-003,测试分站三,,hub,,111.95,37.05',
    'T-004,测试分站四,,substation,,abc,37.05',
    'T-001,重复的分站,,substation,,111.9,37.0',
    'T-005,"测试分站五，带逗号",Test 5,substation,"东街 5 号",111.96,37.06',
  ].join('\n');

  it('previews a CSV naming every bad row by row, column and code, and stores nothing', async () => {
    const before = await admin.call('listStations');
    const p = await preview('stations', 'csv', stationsCsv);
    expect(p.committable).toBe(false);
    expect(errorsOf(p)).toEqual(['3:name:required', '4:kind:notInList', '5:lon:badFormat', '6:code:duplicateInFile']);
    expect(p.rows.map((r) => `${r.row}:${r.action}`)).toEqual(['2:create', '3:error', '4:error', '5:error', '6:error', '7:create']);
    expect(p.counts).toEqual({ create: 2, update: 0, unchanged: 0, error: 4 });
    expect(await admin.call('listStations')).toEqual(before);
  });

  it('refuses to commit a file with any bad row (422 with every error) and stores none of its good rows', async () => {
    const before = await admin.call('listStations');
    const answer = await send('commit', 'stations', 'csv', stationsCsv);
    expect(answer.status).toBe(422);
    expect(answer.body.code).toBe('unprocessable');
    expect(errorsOf(answer.body.details)).toHaveLength(4);
    expect(await admin.call('listStations')).toEqual(before);
  });

  it('commits a good CSV in one go, through the station commands (audited), and pushes it to the open consoles', async () => {
    const desk = await openSocket(server.baseUrl, tokens.dispatcher);
    const good = stationsCsv.split('\n').filter((_, i) => i === 0 || i === 1 || i === 6).join('\n');
    const answer = await send('commit', 'stations', 'csv', good);
    expect(answer.status).toBe(200);
    const result = answer.body as BulkResultDto;
    expect(result.committed).toBe(true);
    expect(result.counts).toEqual({ create: 2, update: 0, unchanged: 0, error: 0 });
    const stored = (await admin.call('listStations')).filter((s) => s.code.startsWith('T-'));
    expect(stored.map((s) => [s.code, s.name, s.location.lon])).toEqual([
      ['T-001', '测试分站一', 111.93],
      ['T-005', '测试分站五，带逗号', 111.96],
    ]);
    const audit = await admin.call('audit', { query: { entityType: 'station' } });
    expect(audit.filter((a) => a.action === 'station.created')).toHaveLength(2);
    const bulk = await admin.call('audit', { query: { entityType: 'bulk_import' } });
    expect(bulk[0]).toMatchObject({ action: 'bulk.imported', entityId: 'stations' });
    // Each station as it now is (maps redraw), and one list change for the kind.
    await until(() => desk.received.filter((e) => e.event === 'resource.changed').length === 1, 'the list change');
    expect(desk.received.filter((e) => e.event === 'station.updated').map((e) => e.payload.code)).toEqual(['T-001', 'T-005']);
    expect(desk.received.find((e) => e.event === 'resource.changed')!.payload).toMatchObject({ kind: 'station', deleted: false });
    desk.close();
  });

  it('reads an xlsx with English headers, names its bad rows, then imports the fixed file', async () => {
    const header = ['call_sign', 'kind', 'capabilities', 'home_station', 'in_service'];
    const bad = await xlsx([
      header,
      ['T-V1', 'multipurpose', 'als;bls', 'T-001', '是'],
      ['T-V2', 'spaceship', 'als', 'T-001', 'yes'],
      ['T-V3', 'multipurpose', 'als、teleport', 'NOPE', 'maybe'],
    ]);
    const p = await preview('vehicles', 'xlsx', bad);
    expect(errorsOf(p)).toEqual(['3:kind:notInList', '4:homeStation:unknownStation', '4:capabilities:notInList', '4:inService:badFormat']);
    expect((await send('commit', 'vehicles', 'xlsx', bad)).status).toBe(422);
    expect((await admin.call('listVehicles')).some((v) => v.callSign.startsWith('T-V'))).toBe(false);

    const fixed = await xlsx([header, ['T-V1', 'multipurpose', 'als;bls', 'T-001', '是'], ['T-V2', 'multipurpose', 'bls', 'T-005', '否']]);
    const answer = await send('commit', 'vehicles', 'xlsx', fixed);
    expect(answer.status).toBe(200);
    const stations = await admin.call('listStations');
    const vehicles = (await admin.call('listVehicles')).filter((v) => v.callSign.startsWith('T-V'));
    expect(vehicles.map((v) => [v.callSign, v.capabilities, stations.find((s) => s.id === v.homeStationId)?.code, v.inService])).toEqual([
      ['T-V1', ['als', 'bls'], 'T-001', true],
      ['T-V2', ['bls'], 'T-005', false],
    ]);
  });

  it('gives each imported login a one-time password, shown once, that must be changed at the first login', async () => {
    const csv = ['用户名,显示名,角色,车辆呼号,医院编码', 't-disp1,测试调度员,dispatcher,,', 't-crew1,测试车组,crew,T-V1,', 't-bad,,crew,,'].join('\n');
    const p = await preview('users', 'csv', csv);
    expect(errorsOf(p)).toEqual(['4:displayName:required', '4:vehicle:invalid']);
    const good = csv.split('\n').slice(0, 3).join('\n');
    const result = (await send('commit', 'users', 'csv', good)).body as BulkResultDto;
    expect(result.temporaryPasswords.map((p) => p.username)).toEqual(['t-disp1', 't-crew1']);
    const password = result.temporaryPasswords[0]!.temporaryPassword;
    expect(password.length).toBeGreaterThanOrEqual(10);
    const token = await loginAs(server.baseUrl, 't-disp1', password);
    expect(await apiClient(server.baseUrl, token).call('me')).toMatchObject({ username: 't-disp1', mustChangePassword: true });
    // The audit records the logins, never their passwords.
    const audit = await admin.call('audit', { query: { entityType: 'user' } });
    expect(JSON.stringify(audit)).not.toContain(password);
  });

  it('imports a roster: crew members, then their shifts by vehicle call sign and member names', async () => {
    const members = ['姓名,岗位,电话,站点编码', '张医生,doctor,13900000001,T-001', '李护士,nurse,,T-001', '王司机,driver,,'].join('\n');
    expect((await send('commit', 'crewMembers', 'csv', members)).body.counts).toMatchObject({ create: 3, error: 0 });
    const day = 24 * 3600_000;
    const start = new Date(Date.now() + day).toISOString();
    const end = new Date(Date.now() + day + 12 * 3600_000).toISOString();
    const shifts = ['车辆呼号,开始时间,结束时间,人员', `T-V1,${start},${end},张医生；李护士；王司机`, `T-V1,${start},${end},赵某`].join('\n');
    const p = await preview('shifts', 'csv', shifts);
    expect(errorsOf(p)).toEqual(['3:vehicle:duplicateInFile', '3:members:unknownMember']);
    const result = await send('commit', 'shifts', 'csv', shifts.split('\n').slice(0, 2).join('\n'));
    expect(result.body.counts).toMatchObject({ create: 1, error: 0 });
    const overlapping = ['车辆呼号,开始时间,结束时间,人员', `T-V1,${new Date(Date.parse(start) + 3600_000).toISOString()},${end},张医生`].join('\n');
    // The database's exclusion constraint refuses it, in the preview already.
    expect((await preview('shifts', 'csv', overlapping)).rows[0]!.errors.map((e) => e.code)).toEqual(['conflict']);
  });

  it('writes a name Excel would run as a formula behind an apostrophe in CSV (and reads it back as it was)', async () => {
    const name = '=HYPERLINK("http://evil.example/","点我")';
    await admin.call('createStation', { body: { code: 'T-FORMULA', name, kind: 'substation', location: { lon: 111.9, lat: 37.0 } } });
    const text = (await exported('stations', 'csv')).toString('utf8');
    expect(text).toContain(`T-FORMULA,"'=HYPERLINK(""http://evil.example/"",""点我"")",`);
    // A negative number is a number, not a formula.
    expect(await preview('stations', 'csv', `编码,名称,类型,经度,纬度\nT-NEG,负经度站,substation,-0.5,37`)).toMatchObject({ committable: true });
    const roundTrip = await preview('stations', 'csv', text);
    expect(roundTrip.rows.find((r) => r.key === 'T-FORMULA')!.action).toBe('unchanged');
  });

  it('exports every kind as CSV and xlsx in Chinese and English, and each file re-imports unchanged', async () => {
    for (const kind of BulkKind.options) {
      for (const [format, lang] of [['csv', 'zh-CN'], ['xlsx', 'zh-CN'], ['csv', 'en']] as const) {
        const file = await exported(kind, format, lang);
        const p = await preview(kind, format, file);
        expect(p.fileErrors, `${kind} ${format}`).toEqual([]);
        expect(p.rows.filter((r) => r.action !== 'unchanged'), `${kind} ${format}`).toEqual([]);
        expect(p.rows.length, `${kind} ${format}`).toBeGreaterThan(0);
        const committed = (await send('commit', kind, format, file)).body as BulkResultDto;
        expect(committed.counts, `${kind} ${format}`).toEqual({ create: 0, update: 0, unchanged: p.rows.length, error: 0 });
        const again = await exported(kind, format, lang);
        if (format === 'csv') expect(again.toString('utf8')).toBe(file.toString('utf8'));
        else expect(await xlsxRows(again)).toEqual(await xlsxRows(file));
      }
    }
  });

  it('writes the CSV with a BOM, the headers and the kinds, capabilities and yes/no as the words of its language', async () => {
    const text = (await exported('vehicles', 'csv')).toString('utf8');
    expect(text.startsWith('\uFEFF呼号,车型,能力,所属站点编码,在用\n')).toBe(true);
    expect(text).toContain('\nT-V1,多功能医疗车,监护型、转运型,T-001,是\n');
    expect(text).toContain('\nT-V2,多功能医疗车,转运型,T-005,否\n');
    const english = (await exported('vehicles', 'csv', 'en')).toString('utf8');
    expect(english.startsWith('\uFEFFcall_sign,kind,capabilities,home_station,in_service\n')).toBe(true);
    expect(english).toContain('\nT-V1,Multi-purpose,ALS; BLS,T-001,Yes\n');
    const hospitals = (await exported('hospitals', 'csv')).toString('utf8');
    expect(hospitals).toMatch(/,(综合医院|乡镇卫生院),[^,]*急诊/);
  });

  it('reads the words a county writes (分站, 乡镇卫生院, 胸痛中心(PCI), Township health centre) as the codes, and names a word it does not know', async () => {
    const csv = [
      '编码,名称,类型,能力,经度,纬度',
      'T-H1,测试卫生院,乡镇卫生院,急诊、胸痛中心(PCI),111.93,37.03',
      'T-H2,Test clinic,Township health centre,Emergency; PCI centre,111.94,37.04',
      'T-H3,测试医院,综合医院,急诊 fever_clinic,111.95,37.05',
      'T-H4,错误医院,大医院,急诊,111.96,37.06',
    ].join('\n');
    const p = await preview('hospitals', 'csv', csv);
    expect(errorsOf(p)).toEqual(['5:kind:notInList']);
    await send('commit', 'hospitals', 'csv', csv.split('\n').slice(0, 4).join('\n'));
    const stored = (await admin.call('listHospitals')).filter((h) => h.code.startsWith('T-H'));
    expect(stored.map((h) => [h.code, h.kind, [...h.capabilities].sort()])).toEqual([
      ['T-H1', 'township', ['emergency', 'pci']],
      ['T-H2', 'township', ['emergency', 'pci']],
      ['T-H3', 'general', ['emergency', 'fever_clinic']],
    ]);
    const users = ['用户名,显示名,角色', 't-sup,测试主任,值班主任', 't-x,某人,Administrator'].join('\n');
    expect((await preview('users', 'csv', users)).rows.map((r) => r.errors)).toEqual([[], []]);
  });

  it('refuses what is not a file it can read, naming the body or the column', async () => {
    expect((await send('preview', 'stations', 'xlsx', Buffer.from('not a workbook'))).body.fileErrors[0].code).toBe('unreadable');
    expect((await send('preview', 'stations', 'csv', '名称,类型\n站,substation')).body.fileErrors.map((e: { column: string }) => e.column)).toEqual([
      'code', 'kind', 'lon', 'lat',
    ].filter((c) => c !== 'kind'));
    const json = await fetch(`${server.baseUrl}/api/bulk/preview?kind=stations&format=csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    const badKind = await fetch(`${server.baseUrl}/api/bulk/export?kind=planes&format=csv`, { headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(badKind.status).toBe(400);
    expect(((await badKind.json()) as { error: string }).error).toContain('kind');
  });
});
