import { z } from 'zod';
import type { AlertKind } from './alerts';
import type {
  HospitalCapability, HospitalKind, HospitalLoad, IncidentCategory, PriorityGroup, Role, StationKind, TaskStatus, VehicleCapability, VehicleKind, VehicleState,
} from './domain';
import type { ErrorCode } from './errors';
import type { EventSource, ExclusionReason, HospitalNoticeDto, IncidentStatus, UnreachableReason } from './incidents';
import type { QuickReply } from './messages';
import type { CrewRole, PlaceKind } from './resources';

export const Lang = z.enum(['zh-CN', 'en']);
export type Lang = z.infer<typeof Lang>;

/** A value for every code in every language: a code or a language left out fails the type check. */
type Labels<K extends string | number> = Record<Lang, Record<K, string>>;

/** A step as an assignment records it: the lifecycle, the call it starts from, and the acknowledgement timer running out. */
export type AssignmentStatus = TaskStatus | 'call_received' | 'call_follow_up' | 'timed_out';
/** The turns the road router names (geo's maneuverFor). */
export type Maneuver =
  | 'depart' | 'arrive' | 'straight' | 'left' | 'right' | 'slight_left' | 'slight_right' | 'sharp_left' | 'sharp_right' | 'u_turn' | 'roundabout';

// One wording per step for the dispatcher and the crew alike. After the handover the crew drives back and may
// already take the next call (NEMSIS "back in service", vehicle state "returning"): both screens say exactly that.
const RETURNING = { 'zh-CN': '返回中 · 可派车', en: 'Returning · available' };

const taskStatus: Labels<AssignmentStatus> = {
  'zh-CN': {
    call_received: '接警受理', call_follow_up: '催车/重复来电', dispatched: '已派车', acknowledged: '已接收命令', en_route: '出车', on_scene: '到达现场',
    at_patient: '接触患者', transporting: '转运途中', at_hospital: '到达医院', handover: '交接完成', back_in_service: RETURNING['zh-CN'],
    back_at_base: '已回站', cancelled: '已取消', timed_out: '超时未确认',
  },
  en: {
    call_received: 'Call received', call_follow_up: 'Follow-up call', dispatched: 'Dispatched', acknowledged: 'Acknowledged', en_route: 'En route',
    on_scene: 'On scene', at_patient: 'At patient', transporting: 'Transporting', at_hospital: 'At hospital',
    handover: 'Handed over', back_in_service: RETURNING.en, back_at_base: 'Back at base', cancelled: 'Cancelled',
    timed_out: 'Not acknowledged in time',
  },
};

const vehicleState: Labels<VehicleState> = {
  'zh-CN': { available: '待命', busy: '任务中', returning: RETURNING['zh-CN'], out_of_service: '停用' },
  en: { available: 'Available', busy: 'On task', returning: RETURNING.en, out_of_service: 'Out of service' },
};

const category: Labels<IncidentCategory> = {
  'zh-CN': {
    chest_pain: '胸痛', stroke: '卒中', trauma: '创伤', obstetric: '产科', newborn_transfer: '新生儿转运', fever: '发热',
    respiratory: '呼吸困难', poisoning: '中毒', paediatric: '儿科', other: '其他',
  },
  en: {
    chest_pain: 'Chest pain', stroke: 'Stroke', trauma: 'Trauma', obstetric: 'Obstetric', newborn_transfer: 'Newborn transfer',
    fever: 'Fever', respiratory: 'Breathing difficulty', poisoning: 'Poisoning', paediatric: 'Paediatric', other: 'Other',
  },
};

const incidentStatus: Labels<IncidentStatus> = {
  'zh-CN': { open: '待派车', queued: '挂起排队', assigned: '已派车', closed: '已结案', cancelled: '已取消' },
  en: { open: 'Open', queued: 'Queued', assigned: 'Assigned', closed: 'Closed', cancelled: 'Cancelled' },
};

/** The colour word first: lists too narrow for the advice show only what comes before " · ". */
const load: Labels<HospitalLoad> = {
  'zh-CN': { blue: '蓝 · 正常接诊', yellow: '黄 · 繁忙，请先联系', red: '红 · 满负荷，需先确认', closed: '× 暂停接诊' },
  en: { blue: 'Blue · normal', yellow: 'Yellow · busy, call ahead', red: 'Red · full, confirm first', closed: '× Not receiving' },
};

const vehicleCapability: Labels<VehicleCapability> = {
  'zh-CN': { negative_pressure: '负压', neonatal: '新生儿', mobile_ct: '移动CT', als: '监护型', bls: '转运型', multipurpose: '多功能' },
  en: { negative_pressure: 'Neg. pressure', neonatal: 'Neonatal', mobile_ct: 'Mobile CT', als: 'ALS', bls: 'BLS', multipurpose: 'Multi-purpose' },
};

const vehicleKind: Labels<VehicleKind> = {
  'zh-CN': { negative_pressure_ambulance: '负压救护车', neonatal_transfer: '新生儿转运车', mobile_ct: '移动CT车', multipurpose: '多功能医疗车' },
  en: { negative_pressure_ambulance: 'Neg.-pressure ambulance', neonatal_transfer: 'Neonatal transfer', mobile_ct: 'Mobile CT', multipurpose: 'Multi-purpose' },
};

const stationKind: Labels<StationKind> = {
  'zh-CN': { centre: '急救中心', substation: '分站' },
  en: { centre: 'Emergency centre', substation: 'Substation' },
};

const hospitalKind: Labels<HospitalKind> = {
  'zh-CN': { general: '综合医院', tcm: '中医院', private: '民营医院', township: '乡镇卫生院', village_clinic: '村卫生室' },
  en: { general: 'General hospital', tcm: 'TCM hospital', private: 'Private hospital', township: 'Township health centre', village_clinic: 'Village clinic' },
};

const role: Labels<Role> = {
  'zh-CN': { dispatcher: '调度员', supervisor: '值班主任', crew: '车组', hospital: '医院', admin: '系统管理员', telephony: '电话系统' },
  en: { dispatcher: 'Dispatcher', supervisor: 'Supervisor', crew: 'Crew', hospital: 'Hospital', admin: 'Administrator', telephony: 'Phone system' },
};

const crewRole: Labels<CrewRole> = {
  'zh-CN': { doctor: '医生', nurse: '护士', driver: '驾驶员', stretcher_bearer: '担架员' },
  en: { doctor: 'Doctor', nurse: 'Nurse', driver: 'Driver', stretcher_bearer: 'Stretcher bearer' },
};

/** A yes-or-no cell of a county's spreadsheet (在用 是/否). */
const yesNo: Labels<'true' | 'false'> = {
  'zh-CN': { true: '是', false: '否' },
  en: { true: 'Yes', false: 'No' },
};

const hospitalCapability: Labels<HospitalCapability> = {
  'zh-CN': {
    emergency: '急诊', pci: '胸痛中心(PCI)', stroke_centre: '卒中中心', obstetrics: '产科', nicu: '新生儿重症监护(NICU)',
    fever_clinic: '发热门诊', trauma: '创伤中心', paediatrics: '儿科', burns: '烧伤科',
  },
  en: {
    emergency: 'Emergency', pci: 'PCI centre', stroke_centre: 'Stroke centre', obstetrics: 'Obstetrics', nicu: 'NICU',
    fever_clinic: 'Fever clinic', trauma: 'Trauma centre', paediatrics: 'Paediatrics', burns: 'Burns',
  },
};

const priorityGroup: Labels<PriorityGroup> = {
  'zh-CN': { elderly: '65岁以上老人', pregnant: '孕产妇', child: '儿童', disabled: '残疾人', chronic: '慢性病', mental_illness: '严重精神障碍' },
  en: { elderly: 'Over 65', pregnant: 'Pregnant', child: 'Child', disabled: 'Disabled', chronic: 'Chronic illness', mental_illness: 'Severe mental illness' },
};

const exclusion: Labels<ExclusionReason> = {
  'zh-CN': { out_of_service: '停用', busy: '任务中', missing_capability: '能力不符', unreachable: '路网不可达', no_position: '无定位' },
  en: { out_of_service: 'Out of service', busy: 'Busy', missing_capability: 'Missing capability', unreachable: 'Unreachable', no_position: 'No position' },
};

const unreachableReason: Labels<UnreachableReason> = {
  'zh-CN': { too_far_from_road: '距道路过远', no_path: '无道路通往现场', beyond_time_limit: '超出搜索时限' },
  en: { too_far_from_road: 'too far from any road', no_path: 'no road path to the incident', beyond_time_limit: 'farther than the search limit' },
};

const eventSource: Labels<EventSource> = {
  'zh-CN': { console: '调度台', tablet: '车载平板', agent: '车载终端', simulator: '模拟器', system: '系统' },
  en: { console: 'console', tablet: 'tablet', agent: 'vehicle agent', simulator: 'simulator', system: 'system' },
};

const priority: Labels<1 | 2 | 3 | 4> = {
  'zh-CN': { 1: '1 危重', 2: '2 紧急', 3: '3 一般', 4: '4 非紧急' },
  en: { 1: '1 Critical', 2: '2 Urgent', 3: '3 Standard', 4: '4 Non-urgent' },
};

const noticeStatus: Labels<HospitalNoticeDto['status']> = {
  'zh-CN': { sent: '待确认', acknowledged: '已确认', escalated: '超时未确认（已上报调度）', cancelled: '已取消', arrived: '已到达' },
  en: { sent: 'awaiting acknowledgement', acknowledged: 'acknowledged', escalated: 'not acknowledged in time (escalated)', cancelled: 'cancelled', arrived: 'arrived' },
};

const maneuver: Labels<Maneuver> = {
  'zh-CN': {
    depart: '出发', arrive: '到达目的地', straight: '直行', left: '左转', right: '右转', slight_left: '稍向左转', slight_right: '稍向右转',
    sharp_left: '向左急转', sharp_right: '向右急转', u_turn: '掉头', roundabout: '进入环岛',
  },
  en: {
    depart: 'Depart', arrive: 'Arrive', straight: 'Continue straight', left: 'Turn left', right: 'Turn right', slight_left: 'Bear left',
    slight_right: 'Bear right', sharp_left: 'Sharp left', sharp_right: 'Sharp right', u_turn: 'Make a U-turn', roundabout: 'Enter the roundabout',
  },
};

// What a refusal means to the person who met it: the server's English text never reaches a Chinese screen.
const errorCode: Labels<ErrorCode> = {
  'zh-CN': {
    server_unreachable: '无法连接服务器，请检查网络后重试', invalid_input: '输入有误', unauthenticated: '登录已失效，请重新登录',
    forbidden: '无此操作权限', not_found: '记录不存在（可能已被删除）', conflict: '与当前状态冲突，请刷新后重试',
    unprocessable: '无法处理该请求', too_many_requests: '操作过于频繁，请稍后再试', server_error: '服务器内部错误，请联系系统管理员',
    database_unavailable: '数据库暂不可用，未保存任何内容，请稍后重试', vehicle_busy: '该车辆已在执行其他任务',
    vehicle_out_of_service: '该车辆已停用', incident_finished: '该警情已结束', incident_already_covered: '该警情已有车辆',
    destination_load_unconfirmed: '目的医院满负荷或停诊：需确认后才能送往', task_ended: '该任务已结束',
    no_current_shift: '您当前没有排班：请在班次开始时（最多提前 30 分钟）登录上车',
    other_centre: '不属于本中心：只能处理本中心的警情、车辆和医院', cross_centre_unconfirmed: '该车辆属于其他中心：需填写理由申请跨中心支援',
  },
  en: {
    server_unreachable: 'The server cannot be reached: check the network and retry', invalid_input: 'Invalid input',
    unauthenticated: 'The session has ended: log in again', forbidden: 'Not permitted', not_found: 'Not found (it may have been deleted)',
    conflict: 'Conflicts with the current state: refresh and retry', unprocessable: 'The request cannot be processed',
    too_many_requests: 'Too many attempts: wait a moment', server_error: 'Internal server error: call the system administrator',
    database_unavailable: 'Database unavailable: nothing was stored, retry in a moment', vehicle_busy: 'The vehicle is already on another task',
    vehicle_out_of_service: 'The vehicle is out of service', incident_finished: 'The incident has ended',
    incident_already_covered: 'A vehicle is already on the incident',
    destination_load_unconfirmed: 'The destination hospital is full or closed: confirm to send the patient there', task_ended: 'The task has ended',
    no_current_shift: 'You have no shift now: sign on when your shift begins (up to 30 minutes early)',
    other_centre: "Not your centre: you handle only your own centre's incidents, vehicles and hospitals",
    cross_centre_unconfirmed: "The vehicle is another centre's: request cross-centre help with a reason",
  },
};

/** What a gazetteer place is (search results, map clicks, intake's choices). */
const placeKind: Labels<PlaceKind> = {
  'zh-CN': {
    town: '乡镇', district: '街道', village: '村', locality: '地点', street: '道路', hospital: '医院', clinic: '诊所', station: '急救站',
    fire_station: '消防站', police: '派出所', school: '学校', market: '市场', factory: '工厂', government: '机关', transport: '车站',
    landmark: '地标',
  },
  en: {
    town: 'Town', district: 'District', village: 'Village', locality: 'Locality', street: 'Street', hospital: 'Hospital', clinic: 'Clinic',
    station: 'Ambulance station', fire_station: 'Fire station', police: 'Police', school: 'School', market: 'Market', factory: 'Factory',
    government: 'Government', transport: 'Station', landmark: 'Landmark',
  },
};

const alertKind: Labels<AlertKind> = {
  'zh-CN': { newCall: '新警情待派车', unassigned: '超时未派车', ackOverdue: '车组超时未确认', reoffer: '已自动改派', escalation: '医院未确认来院预告' },
  en: { newCall: 'New call', unassigned: 'No vehicle, past limit', ackOverdue: 'Crew acknowledgement overdue', reoffer: 'Re-offered automatically', escalation: 'Hospital did not acknowledge' },
};

const quickReply: Labels<QuickReply> = {
  'zh-CN': { received: '收到', arrived: '已到达', need_backup: '需要支援', caller_unreachable: '联系不上呼救者' },
  en: { received: 'Received', arrived: 'Arrived', need_backup: 'Need backup', caller_unreachable: 'Cannot reach the caller' },
};

export const DOMAIN_LABELS = {
  taskStatus, vehicleState, category, incidentStatus, load, vehicleCapability, vehicleKind, stationKind, hospitalKind, role, crewRole, yesNo, hospitalCapability, priorityGroup,
  placeKind,
  exclusion, unreachableReason, eventSource, priority, noticeStatus, maneuver, errorCode, alertKind, quickReply,
};
export type LabelTable = keyof typeof DOMAIN_LABELS;

/** A domain code in a language; the DTOs carry some codes as plain strings, so an unknown code passes through. */
export function domainLabel(lang: Lang, table: LabelTable, code: string | number): string {
  return (DOMAIN_LABELS[table][lang] as Record<string, string>)[String(code)] ?? String(code);
}

const codesByLabel = new Map<LabelTable, Map<string, string>>();

/**
 * The code a person wrote as a label in either language or as the code itself (a county's spreadsheet says 分站 or
 * Substation where the API says substation); undefined when it is none of them. English is matched in any case.
 */
export function codeOfLabel(table: LabelTable, text: string): string | undefined {
  let codes = codesByLabel.get(table);
  if (!codes) {
    codes = new Map();
    for (const lang of Lang.options) {
      for (const [code, label] of Object.entries(DOMAIN_LABELS[table][lang] as Record<string, string>)) {
        codes.set(label.toLowerCase(), code);
        codes.set(code.toLowerCase(), code);
      }
    }
    codesByLabel.set(table, codes);
  }
  return codes.get(text.trim().toLowerCase());
}
