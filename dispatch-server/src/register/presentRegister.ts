import type { FamilyDoctorTeamDto, PriorityGroup, RecordFlag, RegisterFollowUpDto, RegisterMatchDto, ResidentDto } from '@dispatch/protocol';
import { ageOn, groupsWithAge } from './residentInput';

/** The columns the register's statements read a resident with. */
interface ResidentColumns {
  id: string;
  name: string;
  birth_date: string | null;
  groups: string[];
  flags: string[];
  team_name: string | null;
  team_phone: string | null;
}

const teamOf = (r: { team_name: string | null; team_phone: string | null }): FamilyDoctorTeamDto | null =>
  r.team_name || r.team_phone ? { name: r.team_name ?? '', phone: r.team_phone } : null;

/** A matched or linked resident as the dispatcher and the crew see it: groups (with age), flags, team. */
export function presentMatch(r: ResidentColumns & { matched_by: string[] }, today = new Date()): RegisterMatchDto {
  return {
    residentId: r.id,
    name: r.name,
    age: r.birth_date ? ageOn(r.birth_date, today) : null,
    groups: groupsWithAge(r.groups as PriorityGroup[], r.birth_date, today),
    flags: r.flags as RecordFlag[],
    team: teamOf(r),
    matchedBy: r.matched_by as RegisterMatchDto['matchedBy'],
  };
}

/** A record as the administrator's search lists it. */
export function presentResident(
  r: ResidentColumns & { record_id: string; source: string; phone: string | null; address: string | null; updated_at: string },
  today = new Date(),
): ResidentDto {
  return {
    id: r.id,
    recordId: r.record_id,
    source: r.source as ResidentDto['source'],
    name: r.name,
    birthDate: r.birth_date,
    age: r.birth_date ? ageOn(r.birth_date, today) : null,
    phone: r.phone,
    address: r.address,
    groups: groupsWithAge(r.groups as PriorityGroup[], r.birth_date, today),
    flags: r.flags as RecordFlag[],
    team: teamOf(r),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** The union of the linked residents' flags, in the colours' order: all a receiving hospital gets. */
export function careFlags(flags: readonly (readonly string[])[]): RecordFlag[] {
  const order: RecordFlag[] = ['red', 'orange', 'yellow', 'blue', 'green'];
  const all = new Set(flags.flat());
  return order.filter((f) => all.has(f));
}

/** A follow-up notice with the text the family-doctor team's system shows (Chinese: the teams work in it). */
export function presentFollowUp(r: {
  id: string; status: string; incident_id: string; number: string | number; closed_at: Date | null; category: string; created_at: Date; sent_at: Date | null;
  resident_id: string; record_id: string; name: string; team_name: string | null; team_phone: string | null;
}): RegisterFollowUpDto {
  const closed = r.closed_at ? r.closed_at.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '';
  return {
    id: r.id,
    status: r.status as RegisterFollowUpDto['status'],
    incidentId: r.incident_id,
    incidentNumber: Number(r.number),
    incidentClosedAt: r.closed_at?.toISOString() ?? null,
    category: r.category,
    resident: { id: r.resident_id, recordId: r.record_id, name: r.name },
    team: teamOf(r),
    message: `【120随访提醒】贵团队签约居民 ${r.name}（档案号 ${r.record_id}）的急救事件 #${r.number} 已于 ${closed} 结案，请安排随访。`,
    createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
  };
}
