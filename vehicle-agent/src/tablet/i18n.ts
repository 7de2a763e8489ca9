import { createContext, useContext } from 'react';

export type Lang = 'zh' | 'en';

const zh = {
  appTitle: '120 车载终端',
  username: '账号',
  password: '密码',
  login: '登录',
  loggingIn: '正在登录…',
  logout: '退出',
  databaseUnavailable: '数据库暂不可用：正在重试，登录保持不变，上报已保存待发送',
  loginThrottled: (s: number) => `登录失败次数过多，请 ${s} 秒后再试`,
  mustChangePassword: '这是一次性密码：请设置您自己的新密码（至少 10 个字符）',
  newPassword: '新密码',
  setPassword: '设置密码并登录',
  online: '在线',
  offline: '离线',
  connecting: '连接中',
  queued: (n: number) => `待发送 ${n} 条`,
  allSent: '已全部发送',
  standby: '待命中',
  standbyHint: '暂无任务。新任务到达时将自动显示。',
  incident: '任务',
  priority: (p: number) => `${p} 级`,
  patient: '病情摘要',
  address: '地址',
  flags: '重点人群',
  ackWithin: '请在此时间内确认接收',
  ackOverdue: '已超过确认时限',
  nextStep: '下一步',
  directions: '导航',
  noRoute: '暂无路线',
  eta: '预计到达',
  minutes: (m: number) => `${m} 分钟`,
  then: '随后',
  destination: '目的医院',
  noDestination: '尚未指定目的医院',
  changeDestination: '更改目的地',
  chooseHospital: '选择目的医院',
  cancel: '取消',
  distance: '距离',
  current: '当前',
  gpsOff: 'GPS 未定位',
  rejected: '服务器未接受',
  withdrawn: '任务已撤销',
  dismiss: '知道了',
  syntheticMap: '模拟路网（非真实道路）',
  toScene: '前往现场',
  toHospital: '前往医院',
  toBase: '返回站点',
  status: '状态',
  needs: '需具备',
} as const;

type Dict = { [K in keyof typeof zh]: (typeof zh)[K] extends (...args: infer A) => string ? (...args: A) => string : string };

const en: Dict = {
  appTitle: '120 Crew Tablet',
  username: 'Username',
  password: 'Password',
  login: 'Log in',
  loggingIn: 'Logging in…',
  logout: 'Log out',
  databaseUnavailable: 'Database unavailable: retrying; you stay logged in and reports are kept until sent',
  loginThrottled: (s) => `Too many failed logins: try again in ${s} s`,
  mustChangePassword: 'This is a one-time password: set your own (at least 10 characters)',
  newPassword: 'New password',
  setPassword: 'Set password and log in',
  online: 'Online',
  offline: 'Offline',
  connecting: 'Connecting',
  queued: (n) => `${n} queued`,
  allSent: 'All sent',
  standby: 'Standing by',
  standbyHint: 'No task. A new assignment appears here by itself.',
  incident: 'Incident',
  priority: (p) => `Priority ${p}`,
  patient: 'Patient',
  address: 'Address',
  flags: 'Priority groups',
  ackWithin: 'Acknowledge within',
  ackOverdue: 'Acknowledgement overdue',
  nextStep: 'Next step',
  directions: 'Directions',
  noRoute: 'No route',
  eta: 'ETA',
  minutes: (m) => `${m} min`,
  then: 'Then',
  destination: 'Destination hospital',
  noDestination: 'No destination hospital yet',
  changeDestination: 'Change destination',
  chooseHospital: 'Choose the destination hospital',
  cancel: 'Cancel',
  distance: 'Distance',
  current: 'Current',
  gpsOff: 'No GPS fix',
  rejected: 'Refused by the server',
  withdrawn: 'Task withdrawn',
  dismiss: 'OK',
  syntheticMap: 'Synthetic road network (not real roads)',
  toScene: 'To the scene',
  toHospital: 'To the hospital',
  toBase: 'Back to base',
  status: 'Status',
  needs: 'Needs',
};

export const dictionaries: Record<Lang, Dict> = { zh, en };

export const STEP_BUTTON: Record<Lang, Record<string, string>> = {
  zh: {
    acknowledged: '确认接收',
    en_route: '出车',
    on_scene: '到达现场',
    at_patient: '接触患者',
    transporting: '开始转运',
    at_hospital: '到达医院',
    handover: '完成交接',
    back_in_service: '任务完成',
    back_at_base: '已回站',
  },
  en: {
    acknowledged: 'Acknowledge',
    en_route: 'En route',
    on_scene: 'On scene',
    at_patient: 'At patient',
    transporting: 'Transporting',
    at_hospital: 'At hospital',
    handover: 'Handed over',
    back_in_service: 'Back in service',
    back_at_base: 'Back at base',
  },
};

export const STATUS_LABEL: Record<Lang, Record<string, string>> = {
  zh: {
    dispatched: '已派车',
    acknowledged: '已接收',
    en_route: '出车途中',
    on_scene: '已到现场',
    at_patient: '已接触患者',
    transporting: '转运途中',
    at_hospital: '已到医院',
    handover: '已交接',
    back_in_service: '返回途中',
    back_at_base: '已回站',
    cancelled: '已取消',
    timed_out: '超时未确认',
  },
  en: {
    dispatched: 'Dispatched',
    acknowledged: 'Acknowledged',
    en_route: 'En route',
    on_scene: 'On scene',
    at_patient: 'At patient',
    transporting: 'Transporting',
    at_hospital: 'At hospital',
    handover: 'Handed over',
    back_in_service: 'Returning',
    back_at_base: 'At base',
    cancelled: 'Cancelled',
    timed_out: 'Timed out',
  },
};

export const CATEGORY_LABEL: Record<Lang, Record<string, string>> = {
  zh: {
    chest_pain: '胸痛',
    stroke: '卒中',
    trauma: '创伤',
    obstetric: '产科',
    newborn_transfer: '新生儿转运',
    fever: '发热',
    respiratory: '呼吸困难',
    poisoning: '中毒',
    paediatric: '儿科',
    other: '其他',
  },
  en: {
    chest_pain: 'Chest pain',
    stroke: 'Stroke',
    trauma: 'Trauma',
    obstetric: 'Obstetric',
    newborn_transfer: 'Newborn transfer',
    fever: 'Fever',
    respiratory: 'Breathing difficulty',
    poisoning: 'Poisoning',
    paediatric: 'Paediatric',
    other: 'Other',
  },
};

export const GROUP_LABEL: Record<Lang, Record<string, string>> = {
  zh: { elderly: '65岁以上老人', pregnant: '孕产妇', child: '儿童', disabled: '残疾人', chronic: '慢性病', mental_illness: '严重精神障碍' },
  en: { elderly: 'Over 65', pregnant: 'Pregnant', child: 'Child', disabled: 'Disabled', chronic: 'Chronic illness', mental_illness: 'Severe mental illness' },
};

export const LOAD_LABEL: Record<Lang, Record<string, string>> = {
  zh: { blue: '正常', yellow: '繁忙 · 请先联系', red: '满负荷 · 需确认', closed: '× 暂停接收' },
  en: { blue: 'Normal', yellow: 'Busy · call ahead', red: 'Full · confirm first', closed: '× Not receiving' },
};

export const CAPABILITY_LABEL: Record<Lang, Record<string, string>> = {
  zh: {
    emergency: '急诊',
    pci: '胸痛中心 (PCI)',
    stroke_centre: '卒中中心',
    obstetrics: '产科',
    nicu: '新生儿重症监护',
    fever_clinic: '发热门诊',
    trauma: '创伤中心',
    paediatrics: '儿科',
    burns: '烧伤科',
  },
  en: {
    emergency: 'Emergency',
    pci: 'PCI centre',
    stroke_centre: 'Stroke centre',
    obstetrics: 'Obstetrics',
    nicu: 'NICU',
    fever_clinic: 'Fever clinic',
    trauma: 'Trauma centre',
    paediatrics: 'Paediatrics',
    burns: 'Burns',
  },
};

export const MANEUVER_LABEL: Record<Lang, Record<string, string>> = {
  zh: {
    depart: '出发',
    straight: '直行',
    slight_left: '稍向左转',
    left: '左转',
    sharp_left: '向左急转',
    slight_right: '稍向右转',
    right: '右转',
    sharp_right: '向右急转',
    u_turn: '掉头',
    roundabout: '进入环岛',
    arrive: '到达目的地',
  },
  en: {
    depart: 'Depart',
    straight: 'Continue straight',
    slight_left: 'Bear left',
    left: 'Turn left',
    sharp_left: 'Sharp left',
    slight_right: 'Bear right',
    right: 'Turn right',
    sharp_right: 'Sharp right',
    u_turn: 'Make a U-turn',
    roundabout: 'Enter the roundabout',
    arrive: 'Arrive',
  },
};

export const MANEUVER_ARROW: Record<string, string> = {
  depart: '↑',
  straight: '↑',
  slight_left: '↖',
  left: '←',
  sharp_left: '↙',
  slight_right: '↗',
  right: '→',
  sharp_right: '↘',
  u_turn: '↶',
  roundabout: '⟳',
  arrive: '⚑',
};

export const LangContext = createContext<Lang>('zh');
export const useLang = () => useContext(LangContext);
export const useT = () => dictionaries[useLang()];

/** "1.2 km" / "350 m" */
export function formatDistance(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(m >= 10_000 ? 0 : 1)} km` : `${Math.round(m / 10) * 10} m`;
}
