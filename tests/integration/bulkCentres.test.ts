import { BULK_MEDIA_TYPES, type BulkKind, type BulkPreviewDto, DEFAULT_CENTRE_ID } from '@dispatch/protocol';
import { seedDemo, type DemoLogins } from '@dispatch/server/demo/seedDemo';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { serverSuite } from '../support/demoSuite';
import { loginAs, startTestServer } from '../support/server';

/**
 * The optional centre column of the stations', hospitals' and logins' files (issue 15), through the real server and
 * PostgreSQL with the demo county and its neighbouring centre: by code or id, 全省 / province for a login of every
 * centre, an unknown centre named on its row, and exports that re-import unchanged.
 */
describe("bulk files name a row's centre", () => {
  const server = serverSuite(() => startTestServer());
  let logins: DemoLogins;
  let token: string;
  let pingyao: string;

  beforeAll(async () => {
    logins = await seedDemo(server.database.db, { neighbour: true });
    pingyao = logins.neighbour!.centreId;
    token = await loginAs(server.baseUrl, 'admin', logins.passwords.admin!);
  });

  async function send(name: 'preview' | 'commit', kind: BulkKind, csv: string) {
    const res = await fetch(`${server.baseUrl}/api/bulk/${name}?kind=${kind}&format=csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': BULK_MEDIA_TYPES.csv },
      body: csv,
    });
    return { status: res.status, body: (await res.json()) as BulkPreviewDto };
  }
  const exported = async (kind: BulkKind, lang = 'zh-CN') => {
    const res = await fetch(`${server.baseUrl}/api/bulk/export?kind=${kind}&format=csv&lang=${lang}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return Buffer.from(await res.arrayBuffer()).toString('utf8');
  };
  const errorsOf = (p: BulkPreviewDto) => p.rows.flatMap((r) => r.errors.map((e) => `${e.row}:${e.column}:${e.code}`));
  const centreOf = async (table: string, key: string, value: string) =>
    (await server.database.db.query<{ centre_id: string | null }>(`SELECT centre_id FROM ${table} WHERE ${key} = $1`, [value])).rows[0]?.centre_id;

  it('imports stations and hospitals into the centre named by code or id, the default centre without one', async () => {
    const stations = [
      '编码,名称,类型,经度,纬度,中心编码',
      'BC-S1,平遥导入分站,substation,112.17,37.19,PY',
      `BC-S2,平遥导入分站二,substation,112.18,37.2,${pingyao}`,
      'BC-S3,介休导入分站,substation,111.9,37.0,',
      'BC-S4,无此中心分站,substation,111.9,37.0,XX',
    ].join('\n');
    const preview = await send('preview', 'stations', stations);
    expect(errorsOf(preview.body)).toEqual(['5:centre:unknownCentre']);
    const fixed = stations.replace(',XX', ',JX');
    expect((await send('commit', 'stations', fixed)).status).toBe(200);
    expect(await centreOf('stations', 'code', 'BC-S1')).toBe(pingyao);
    expect(await centreOf('stations', 'code', 'BC-S2')).toBe(pingyao);
    expect(await centreOf('stations', 'code', 'BC-S3')).toBe(DEFAULT_CENTRE_ID);
    expect(await centreOf('stations', 'code', 'BC-S4')).toBe(DEFAULT_CENTRE_ID);

    // A file without the column leaves a stored station's centre as it is.
    const withoutCentre = await send('commit', 'stations', '编码,名称,类型,经度,纬度\nBC-S1,平遥导入分站（改名）,substation,112.17,37.19');
    expect(withoutCentre.body.counts).toMatchObject({ update: 1 });
    expect(await centreOf('stations', 'code', 'BC-S1')).toBe(pingyao);

    const hospitals = ['code,name,kind,capabilities,lon,lat,centre', 'BC-H1,平遥导入医院,general,emergency,112.17,37.19,PY'].join('\n');
    expect((await send('commit', 'hospitals', hospitals)).status).toBe(200);
    expect(await centreOf('hospitals', 'code', 'BC-H1')).toBe(pingyao);
  });

  it("imports a dispatcher into a centre, a province-wide supervisor, and refuses a crew login's centre", async () => {
    const vehicle = (await server.database.db.query<{ call_sign: string }>(`SELECT call_sign FROM vehicles ORDER BY call_sign LIMIT 1`)).rows[0]!.call_sign;
    const users = [
      '用户名,显示名,角色,车辆呼号,医院编码,中心编码',
      'bc-py,平遥导入调度员,dispatcher,,,PY',
      'bc-prov,全省导入调度长,supervisor,,,全省',
      'bc-jx,介休导入调度员,dispatcher,,,',
      `bc-crew,导入车组,crew,${vehicle},,PY`,
      'bc-bad,无此中心,dispatcher,,,XX',
    ].join('\n');
    expect(errorsOf((await send('preview', 'users', users)).body)).toEqual(['5:centre:invalid', '6:centre:unknownCentre']);
    const fixed = users.split('\n').filter((l) => !l.startsWith('bc-bad')).map((l) => (l.startsWith('bc-crew') ? l.replace(/,PY$/, ',') : l)).join('\n');
    const committed = await send('commit', 'users', fixed);
    expect(committed.status).toBe(200);
    expect(await centreOf('users', 'username', 'bc-py')).toBe(pingyao);
    expect(await centreOf('users', 'username', 'bc-prov')).toBeNull();
    expect(await centreOf('users', 'username', 'bc-jx')).toBe(DEFAULT_CENTRE_ID);
    expect(await centreOf('users', 'username', 'bc-crew')).toBeNull();
  });

  it('exports the centre column where there are several centres, and the files re-import unchanged', async () => {
    for (const kind of ['stations', 'hospitals', 'users'] as const) {
      for (const lang of ['zh-CN', 'en']) {
        const text = await exported(kind, lang);
        const rows = parse(text, { bom: true }) as string[][];
        expect(rows[0]!.at(-1)).toBe(lang === 'en' ? 'centre' : '中心编码');
        const again = await send('preview', kind, text);
        expect(errorsOf(again.body)).toEqual([]);
        expect(again.body.counts).toMatchObject({ create: 0, update: 0, error: 0 });
      }
    }
    const users = parse(await exported('users'), { bom: true, columns: true }) as Record<string, string>[];
    expect(users.find((u) => u['用户名'] === 'dispatcher-py')?.['中心编码']).toBe('PY');
    expect(users.find((u) => u['用户名'] === 'province')?.['中心编码']).toBe('全省');
    expect(users.find((u) => u['用户名'] === 'admin')?.['中心编码']).toBe('');
  });
});
