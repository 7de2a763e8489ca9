import type { Queryable } from '@dispatch/db';
import { DEMO_REGISTER_PHONES, type PriorityGroup, type RecordFlag } from '@dispatch/protocol';
import { registerSql as sql } from './registerSql';

/** Synthetic residents (invented names, the demo county's villages): one of every flag colour, and a team each. */
const RESIDENTS: { name: string; birthDate: string; groups: PriorityGroup[]; flags: RecordFlag[]; house: number; team: string }[] = [
  { name: '张桂芳', birthDate: '1946-04-12', groups: ['chronic'], flags: ['orange', 'red'], house: 12, team: '城关社区家庭医生一团队' },
  { name: '李卫东', birthDate: '1979-09-03', groups: ['mental_illness'], flags: ['yellow'], house: 7, team: '张兰镇卫生院家庭医生团队' },
  { name: '王秀兰', birthDate: '1997-02-20', groups: ['pregnant'], flags: [], house: 23, team: '义棠镇卫生院家庭医生团队' },
  { name: '赵铁柱', birthDate: '1961-11-30', groups: ['disabled'], flags: ['green'], house: 5, team: '连福镇卫生院家庭医生团队' },
  { name: '刘小宝', birthDate: '2022-06-01', groups: [], flags: ['blue'], house: 31, team: '城关社区家庭医生二团队' },
  { name: '孙玉珍', birthDate: '1938-01-15', groups: ['chronic'], flags: ['red'], house: 2, team: '洪山镇卫生院家庭医生团队' },
];

/**
 * Seeds the demo county's priority-group register: residents whose numbers the demo's call generator rings from
 * (DEMO_REGISTER_PHONES), living at houses of the first villages. Idempotent by record id.
 */
export async function seedDemoRegister(db: Queryable, villages: readonly { name: string }[]): Promise<void> {
  for (const [i, r] of RESIDENTS.entries()) {
    const village = villages[(i * 17) % Math.max(1, villages.length)]?.name ?? '城区';
    await sql.upsert.run(db, {
      recordId: `DEMO-${String(i + 1).padStart(4, '0')}`,
      source: 'demo',
      name: r.name,
      birthDate: r.birthDate,
      phone: DEMO_REGISTER_PHONES[i]!,
      address: `${village}${r.house}号`,
      groups: r.groups,
      flags: r.flags,
      teamName: r.team,
      teamPhone: `0354-72${String(20010 + i)}`,
    });
  }
}
