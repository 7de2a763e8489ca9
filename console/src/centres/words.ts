import { createI18n, defineMessages } from '@dispatch/ui';

/** The words of several dispatch centres in one console (issue 15), in both languages. */
export const centreMessages = defineMessages(
  {
    province: '全省（所有中心）', centreFilter: '中心', allCentres: '全部中心',
    helpTitle: '邻近中心可支援车辆', helpNote: '其他中心的车辆不参与本中心排序；请求支援需填写理由，并记入审计日志。',
    helpEta: '{eta} · {km}', requestHelp: '请求支援', helpReason: '支援理由', helpReasonPlaceholder: '例如：本中心车辆均在执行任务',
    confirmHelp: '确认请求 {callSign} 支援', cancel: '取消', helpSent: '已请求 {centre} 的 {callSign} 支援',
    helpBadge: '跨中心支援：{centre}',
    callCentre: '来电线路所属中心：{centre}',
  },
  {
    province: 'Province (every centre)', centreFilter: 'Centre', allCentres: 'All centres',
    helpTitle: 'Help from neighbouring centres', helpNote: "Other centres' vehicles are not ranked with this centre's; requesting help needs a reason and is audited.",
    helpEta: '{eta} · {km}', requestHelp: 'Request help', helpReason: 'Reason for help', helpReasonPlaceholder: "e.g. every vehicle of this centre is busy",
    confirmHelp: 'Confirm help from {callSign}', cancel: 'Cancel', helpSent: 'Help requested: {callSign} of {centre}',
    helpBadge: 'Cross-centre help: {centre}',
    callCentre: 'Rang on the line of {centre}',
  },
);

export const useCentreWords = createI18n(centreMessages);
