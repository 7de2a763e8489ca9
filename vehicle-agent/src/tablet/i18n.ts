import type { Lang, Maneuver, OrderedTaskStatus } from '@dispatch/protocol';
import { createI18n, defineMessages } from '@dispatch/ui';

/** The tablet's own words; domain labels and the words both apps share come from @dispatch/ui. */
export const messages = defineMessages(
  {
    appTitle: '120 车载终端',
    loggingIn: '正在登录…',
    databaseBanner: '数据库暂不可用：正在重试，登录保持不变，上报已保存待发送',
    mustChangePassword: '这是一次性密码：请设置您自己的新密码（至少 10 个字符）',
    setPassword: '设置密码并登录',
    connecting: '连接中',
    queued: '待发送 {n} 条',
    allSent: '已全部发送',
    standby: '待命中',
    standbyHint: '暂无任务。新任务到达时将自动显示。',
    incident: '任务',
    flags: '重点人群',
    ackWithin: '请在此时间内确认接收',
    ackOverdue: '已超过确认时限',
    noRoute: '暂无路线',
    minutes: '{m} 分钟',
    noDestination: '尚未指定目的医院',
    changeDestination: '更改目的地',
    chooseHospital: '选择目的医院',
    cancel: '取消',
    current: '当前',
    gpsOff: 'GPS 未定位',
    rejected: '服务器未接受',
    withdrawn: '任务已撤销',
    dismiss: '知道了',
    stuck: '未能送达（服务器多次出错，已通知调度员），后续上报照常发送：',
    stuckPositions: '{n} 个位置',
    retry: '重发',
    discard: '放弃',
    toScene: '前往现场',
    toHospital: '前往医院',
    toBase: '返回站点',
    transfer: '转运任务',
    referralUp: '上转',
    referralDown: '下转',
    pickUpAt: '① 接患者：{name}',
    deliverTo: '② 送往：{name}',
    toPickUp: '前往接患者 · {name}',
    toDeliver: '送往 · {name}',
    needs: '需具备',
    messages: '与调度的消息',
    message: '调度来信',
    noMessages: '暂无消息',
    messagePlaceholder: '发给调度的消息',
    send: '发送',
    sending: '发送中',
    fromCrew: '本车',
    fromDispatch: '调度',
    stuckMessage: '一条消息',
  },
  {
    appTitle: '120 Crew Tablet',
    loggingIn: 'Logging in…',
    databaseBanner: 'Database unavailable: retrying, still logged in, reports kept',
    mustChangePassword: 'This is a one-time password: set your own (at least 10 characters)',
    setPassword: 'Set password and log in',
    connecting: 'Connecting',
    queued: '{n} queued',
    allSent: 'All sent',
    standby: 'Standing by',
    standbyHint: 'No task. A new assignment appears here by itself.',
    incident: 'Incident',
    flags: 'Priority groups',
    ackWithin: 'Acknowledge within',
    ackOverdue: 'Acknowledgement overdue',
    noRoute: 'No route',
    minutes: '{m} min',
    noDestination: 'No destination hospital yet',
    changeDestination: 'Change destination',
    chooseHospital: 'Choose the destination hospital',
    cancel: 'Cancel',
    current: 'Current',
    gpsOff: 'No GPS fix',
    rejected: 'Refused by the server',
    withdrawn: 'Task withdrawn',
    dismiss: 'OK',
    stuck: 'Not delivered (the server failed repeatedly; the dispatchers are told), later reports still go:',
    stuckPositions: 'positions: {n}',
    retry: 'Send again',
    discard: 'Discard',
    toScene: 'To the scene',
    toHospital: 'To the hospital',
    toBase: 'Back to base',
    transfer: 'Transfer',
    referralUp: 'referral up',
    referralDown: 'referral down',
    pickUpAt: '① Pick up at {name}',
    deliverTo: '② Deliver to {name}',
    toPickUp: 'To pick up · {name}',
    toDeliver: 'Deliver to · {name}',
    needs: 'Needs',
    messages: 'Messages with dispatch',
    message: 'From dispatch',
    noMessages: 'No messages yet',
    messagePlaceholder: 'Message to dispatch',
    send: 'Send',
    sending: 'sending',
    fromCrew: 'Us',
    fromDispatch: 'Dispatch',
    stuckMessage: 'a message',
  },
);

export const useI18n = createI18n(messages);

/**
 * What the crew presses to report a step: the action, where the shared label names the step reached (a button
 * "开始转运" reports 转运途中). Every step the crew can report has one.
 */
export const STEP_ACTIONS: Record<Lang, Record<Exclude<OrderedTaskStatus, 'dispatched'>, string>> = {
  'zh-CN': {
    acknowledged: '确认接收', en_route: '出车', on_scene: '到达现场', at_patient: '接触患者', transporting: '开始转运',
    at_hospital: '到达医院', handover: '完成交接', back_in_service: '完成任务 · 可派车', back_at_base: '已回站',
  },
  en: {
    acknowledged: 'Acknowledge', en_route: 'En route', on_scene: 'On scene', at_patient: 'At patient', transporting: 'Start transport',
    at_hospital: 'At hospital', handover: 'Handed over', back_in_service: 'Clear · available', back_at_base: 'Back at base',
  },
};

export const MANEUVER_ARROW: Record<Maneuver, string> = {
  depart: '↑', straight: '↑', slight_left: '↖', left: '←', sharp_left: '↙', slight_right: '↗', right: '→', sharp_right: '↘',
  u_turn: '↶', roundabout: '⟳', arrive: '⚑',
};

/** "1.2 km" / "350 m" */
export function formatDistance(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(m >= 10_000 ? 0 : 1)} km` : `${Math.round(m / 10) * 10} m`;
}
