import { createI18n, defineMessages } from '@dispatch/ui';

/** The supervisor's screens' own words (board, reports, incident search and record, audit log), in both languages. */
export const supervisorMessages = defineMessages(
  {
    // live board
    boardWaiting: '等待派车的警情', boardNoneWaiting: '没有等待派车的警情', boardWaitedFor: '已等待',
    boardFleet: '各站车辆', boardStation: '站点', boardFree: '空闲', boardBusy: '执行任务', boardOut: '停用', boardTotal: '合计',
    boardHospitals: '医院负荷', boardCoverage: '30分钟就医圈', boardCoverageVillages: '村庄覆盖率（空闲救护车，实时）', boardCoverageOutside: '圈外村庄 {n} 个',
    boardCoverageFacility: '医疗机构30分钟可达 {p}', boardCoverageFree: '空闲救护车 {n} 辆',
    boardCoveragePopulation: '人口覆盖率（按村庄人口）', boardCoverageFacilityPopulation: '按人口 {p}',
    boardCoveragePopulationKnown: '{known}/{n} 个村庄有人口数据，其余按中位数 {m} 人计', boardCoverageNoPopulation: '暂无村庄人口数据，各村等权计算',
    boardToday: '今日指标', boardIndicator: '指标', boardValue: '当前', boardTarget: '目标', boardCount: '样本',
    boardAnswer10s: '10秒接听率', boardTurnout3min: '3分钟出车率', boardNfpa: '接听→派车 ≤60秒（NFPA 1225）', boardP90: '90%响应时间',
    boardMet: '达标', boardNotMet: '未达标', boardNoData: '暂无数据',
    boardAlerts: '告警', boardNoAlerts: '当前无告警',
    alertLine: '{kind} · {n} 号警情{subject}（{time}）',
    alertHospitalFull: '{hospital}：{load}', alertStuck: '{callSign} 有未送达的车组上报',
    answerSourcesNote: '接听时间来源：电话系统 {phone}，调度员录入 {dispatcher}',
    // reports
    reportsTitle: '响应时间分析', reportFrom: '开始', reportTo: '结束', reportBy: '分组', reportRun: '查询',
    byStation: '按站点', byVehicle: '按车辆', byCategory: '按类别', byDay: '按日', byWeek: '按周', byMonth: '按月',
    ivAnswer: '振铃→接听', ivCallToDispatch: '接听→派车', ivTurnout: '出车', ivTravel: '途中', ivOnScene: '现场', ivTransport: '转运', ivHandover: '交接',
    median: '中位数', p90: '90百分位', seconds: '秒', minutesShort: '分', n: '样本数', group: '分组', incidents: '警情数', responses: '出车数',
    noVehicle: '未派车', exportCsv: '导出 CSV', exportXlsx: '导出 Excel', print: '打印', exportFailed: '导出失败：{error}',
    answerSource: '接听时间来源', sourcePhone: '电话系统', sourceDispatcher: '调度员录入',
    chartTitle: '各环节耗时（{stat}）', reportEmpty: '该时段没有警情', reportWindow: '{from} 至 {to}', loading: '加载中…',
    weekOf: '{date} 起一周', figuresTitle: '明细数据（时:分:秒）',
    // incident search and record
    searchTitle: '警情查询', searchPlace: '地点/地址', searchCategory: '类别', searchVehicle: '车辆', searchPhone: '来电号码', anyOption: '全部',
    search: '查询', searchTotal: '共 {total} 条', pagePrev: '上一页', pageNext: '下一页', pageOf: '第 {page} / {pages} 页',
    colNumber: '编号', colReceived: '来电时间', colCategory: '类别', colPriority: '优先级', colPlace: '地点', colPhone: '来电号码',
    colVehicles: '车辆', colStatus: '状态', colAnswerSource: '接听来源', noResults: '没有符合条件的警情',
    recordTitle: '警情档案 {number}', recordBack: '返回查询', recordTimeline: '完整时间线', recordTaskTimes: '各车任务时间', recordRoute: '实际行驶路线',
    recordExports: '导出', recordNoTrack: '该时段没有定位记录', recordPoints: '{callSign}：{points} 个定位点',
    recordCaller: '来电号码', recordAddress: '地址', recordSummary: '病情摘要', recordAnswered: '接听时间', recordClosed: '结束时间',
    tlTime: '设备时间', tlReceived: '接收时间', tlStep: '环节', tlVehicle: '车辆', tlWho: '操作人', tlSource: '来源',
    // audit
    auditTitle: '审计日志', auditWho: '操作人', auditWhat: '操作', auditSince: '起', auditUntil: '止', auditFilter: '筛选',
    auditAt: '时间', auditEntity: '对象', auditDetails: '详情', auditFrom: '来源地址', auditEmpty: '没有符合条件的记录', auditMore: '更多',
    auditActionHint: '如 incident.created，或 incident. 表示一类',
  },
  {
    boardWaiting: 'Calls waiting for a vehicle', boardNoneWaiting: 'No call is waiting', boardWaitedFor: 'Waiting',
    boardFleet: 'Vehicles by station', boardStation: 'Station', boardFree: 'Free', boardBusy: 'Busy', boardOut: 'Out of service', boardTotal: 'Total',
    boardHospitals: 'Hospitals by load', boardCoverage: '30-minute circle', boardCoverageVillages: 'Villages covered (free ambulances, live)', boardCoverageOutside: '{n} villages outside',
    boardCoverageFacility: 'Within 30 min of a health facility: {p}', boardCoverageFree: '{n} free ambulances',
    boardCoveragePopulation: 'Population covered (by village population)', boardCoverageFacilityPopulation: 'by population {p}',
    boardCoveragePopulationKnown: 'Population known for {known} of {n} villages; the others count as the median, {m} people', boardCoverageNoPopulation: 'No village populations known: every village counts equally',
    boardToday: "Today's indicators", boardIndicator: 'Indicator', boardValue: 'Now', boardTarget: 'Target', boardCount: 'Counted',
    boardAnswer10s: 'Answered within 10 s', boardTurnout3min: 'Turnout within 3 min', boardNfpa: 'Answer → dispatch ≤ 60 s (NFPA 1225)', boardP90: '90th percentile response',
    boardMet: 'met', boardNotMet: 'not met', boardNoData: 'no data yet',
    boardAlerts: 'Alerts', boardNoAlerts: 'No alerts',
    alertLine: '{kind} · incident {n}{subject} ({time})',
    alertHospitalFull: '{hospital}: {load}', alertStuck: '{callSign} has crew reports not delivered',
    answerSourcesNote: 'Answer times from the phone system: {phone}, typed by the dispatcher: {dispatcher}',
    reportsTitle: 'Response times', reportFrom: 'From', reportTo: 'To', reportBy: 'Group by', reportRun: 'Show',
    byStation: 'Station', byVehicle: 'Vehicle', byCategory: 'Category', byDay: 'Day', byWeek: 'Week', byMonth: 'Month',
    ivAnswer: 'Ring → answer', ivCallToDispatch: 'Answer → dispatch', ivTurnout: 'Turnout', ivTravel: 'Travel', ivOnScene: 'On scene', ivTransport: 'Transport', ivHandover: 'Handover',
    median: 'Median', p90: '90th percentile', seconds: 's', minutesShort: 'min', n: 'Count', group: 'Group', incidents: 'Incidents', responses: 'Responses',
    noVehicle: 'No vehicle sent', exportCsv: 'Export CSV', exportXlsx: 'Export Excel', print: 'Print', exportFailed: 'Export failed: {error}',
    answerSource: 'Answer time from', sourcePhone: 'Phone system', sourceDispatcher: 'Dispatcher',
    chartTitle: 'Time per step ({stat})', reportEmpty: 'No incidents in this period', reportWindow: '{from} to {to}', loading: 'Loading…',
    weekOf: 'Week of {date}', figuresTitle: 'Figures (h:mm:ss)',
    searchTitle: 'Incident search', searchPlace: 'Place / address', searchCategory: 'Category', searchVehicle: 'Vehicle', searchPhone: 'Caller number', anyOption: 'Any',
    search: 'Search', searchTotal: '{total} found', pagePrev: 'Previous', pageNext: 'Next', pageOf: 'Page {page} of {pages}',
    colNumber: 'No.', colReceived: 'Call received', colCategory: 'Category', colPriority: 'Priority', colPlace: 'Place', colPhone: 'Caller',
    colVehicles: 'Vehicles', colStatus: 'Status', colAnswerSource: 'Answer from', noResults: 'No incident matches',
    recordTitle: 'Incident record {number}', recordBack: 'Back to the search', recordTimeline: 'Full timeline', recordTaskTimes: 'Task times per vehicle', recordRoute: 'Route driven',
    recordExports: 'Exports', recordNoTrack: 'No positions in this period', recordPoints: '{callSign}: {points} positions',
    recordCaller: 'Caller', recordAddress: 'Address', recordSummary: 'Patient summary', recordAnswered: 'Answered', recordClosed: 'Closed',
    tlTime: 'Device time', tlReceived: 'Received', tlStep: 'Step', tlVehicle: 'Vehicle', tlWho: 'By', tlSource: 'Source',
    auditTitle: 'Audit log', auditWho: 'Who', auditWhat: 'Action', auditSince: 'From', auditUntil: 'To', auditFilter: 'Filter',
    auditAt: 'When', auditEntity: 'Entity', auditDetails: 'Details', auditFrom: 'From address', auditEmpty: 'No entries match', auditMore: 'More',
    auditActionHint: 'e.g. incident.created, or incident. for the family',
  },
);

export type SupervisorKey = keyof (typeof supervisorMessages)['zh-CN'];
export const useWords = createI18n(supervisorMessages);

/** The audit log's actions in words ([Chinese, English]); an action not listed is shown as its code. */
export const AUDIT_ACTIONS: Record<string, [string, string]> = {
  'incident.created': ['受理警情', 'Call taken'], 'incident.cancelled': ['取消警情', 'Incident cancelled'], 'incident.closed': ['结束警情', 'Incident closed'],
  'incident.followUpCall': ['重复来电/催车', 'Follow-up call'],
  'assignment.created': ['派车', 'Vehicle dispatched'], 'assignment.cancelled': ['撤回车辆', 'Vehicle withdrawn'], 'assignment.statusReported': ['上报任务环节', 'Task step reported'],
  'assignment.ackTimedOut': ['接收命令超时', 'Acknowledgement timed out'], 'assignment.destinationChanged': ['更改送往医院', 'Destination changed'],
  'assignment.destinationLoadConfirmed': ['确认满负荷医院', 'Full hospital confirmed'], 'assignment.crossCentreHelp': ['跨中心支援派车', 'Cross-centre help sent'], 'assignment.vitalsRecorded': ['记录生命体征', 'Vital signs recorded'],
  'notice.sent': ['发送来院预告', 'Hospital notice sent'], 'notice.acknowledged': ['医院确认预告', 'Notice acknowledged'], 'notice.escalated': ['预告未确认升级', 'Notice escalated'],
  'notice.arrived': ['到达医院', 'Arrived at hospital'], 'hospital.loadChanged': ['更改医院负荷', 'Hospital load changed'], 'hospital.created': ['新增医院', 'Hospital added'],
  'hospital.updated': ['修改医院', 'Hospital changed'], 'station.created': ['新增站点', 'Station added'], 'station.updated': ['修改站点', 'Station changed'],
  'vehicle.created': ['新增车辆', 'Vehicle added'], 'vehicle.updated': ['修改车辆', 'Vehicle changed'], 'vehicle.deviceBound': ['绑定定位设备', 'GPS device bound'],
  'vehicle.deviceUnbound': ['解绑定位设备', 'GPS device unbound'], 'crew.created': ['新增车组人员', 'Crew member added'], 'crew.signedOn': ['车组上岗', 'Crew signed on'],
  'shift.created': ['新增排班', 'Shift added'], 'user.created': ['新建账号', 'Login created'], 'user.disabled': ['停用账号', 'Login disabled'], 'user.enabled': ['启用账号', 'Login enabled'],
  'user.passwordReset': ['重置密码', 'Password reset'], 'login.succeeded': ['登录', 'Logged in'], 'login.failed': ['登录失败', 'Login failed'],
  'password.changed': ['修改密码', 'Password changed'], 'password.changeFailed': ['修改密码失败', 'Password change failed'], 'phoneCall.reported': ['电话系统上报', 'Phone call reported'],
  'bulk.imported': ['批量导入', 'Bulk import'], 'categoryRequirement.updated': ['修改类别要求', 'Category requirements changed'],
  'roadClassSpeeds.updated': ['修改道路速度', 'Road speeds changed'], 'roadNetwork.imported': ['导入路网', 'Road network imported'], 'roadRegion.madeLive': ['启用路网', 'Road network made live'],
  'register.read': ['查阅重点人群档案', 'Priority register read'], 'register.imported': ['导入重点人群档案', 'Priority register imported'],
  'register.followUpsSent': ['随访通知已送达', 'Follow-up notices delivered'],
};

/** Who acted, by role ([Chinese, English]); "system" is the server itself (timers, failed logins). */
export const ROLE_WORDS: Record<string, [string, string]> = {
  dispatcher: ['调度员', 'Dispatcher'], supervisor: ['值班主任', 'Supervisor'], admin: ['管理员', 'Administrator'], crew: ['车组', 'Crew'],
  hospital: ['医院', 'Hospital'], telephony: ['电话系统', 'Phone system'], system: ['系统', 'System'],
};
