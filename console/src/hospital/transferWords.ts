import { createI18n, defineMessages } from '@dispatch/ui';
import type { TransferDirection, TransferNeed, TransferPhase } from '@dispatch/protocol';

/**
 * The words of inter-facility transfers (转诊转运) on the hospital board, the dispatcher's queue and its "coming" list,
 * in both languages. Field names (toHospitalId, scheduledAt…) are keys too, so a refusal names the field in words.
 */
export const transferMessages = defineMessages(
  {
    transfers: '转诊转运', requestTransfer: '申请转运', submitTransfer: '提交申请',
    toHospitalId: '接收医院', fromHospitalId: '转出医院', direction: '方向', scheduledAt: '预约时间', scheduledHint: '留空 = 立即',
    needs: '转运需求', greenChannel: '绿色通道（胸痛/卒中）', patientSummary: '病情摘要', category: '病情类别', reason: '原因',
    chooseHospital: '请选择医院',
    outgoing: '转出申请', incoming: '转入申请', noOutgoing: '暂无转出申请', noIncoming: '暂无转入申请',
    accept: '接收', decline: '拒绝', cancel: '撤销', reasonPlaceholder: '原因（拒绝或撤销时必填）', reasonRequired: '请填写原因',
    requested: '已提交转运申请 #{number}',
    now: '立即', at: '预约 {time}', due: '{time} 到期', vehicle: '车辆', eta: '预计 {time}',
    transferBadge: '转运·{direction}', coming: '即将转运', noneComing: '暂无预约转运',
    pickUpAt: '接：{name}', deliverTo: '送：{name}',
    'direction.up': '上转', 'direction.down': '下转',
    'need.neonatal': '新生儿转运车', 'need.negative_pressure': '负压', 'need.monitoring': '监护', 'need.escort': '医护陪同',
    'phase.requested': '待接收', 'phase.declined': '已拒绝', 'phase.cancelled': '已撤销', 'phase.scheduled': '已接收 · 待出车',
    'phase.queued': '排队派车', 'phase.dispatched': '车辆前往转出医院', 'phase.at_pickup': '车辆已到转出医院', 'phase.transporting': '转运途中',
    'phase.arrived': '已送达', 'phase.completed': '已完成',
  },
  {
    transfers: 'Transfers', requestTransfer: 'Request a transfer', submitTransfer: 'Send request',
    toHospitalId: 'Receiving hospital', fromHospitalId: 'Sending hospital', direction: 'Direction', scheduledAt: 'Scheduled time', scheduledHint: 'empty = now',
    needs: 'Needs', greenChannel: 'Green channel (chest pain / stroke)', patientSummary: 'Patient summary', category: 'Category', reason: 'Reason',
    chooseHospital: 'Choose a hospital',
    outgoing: 'Sent requests', incoming: 'Received requests', noOutgoing: 'No transfers sent', noIncoming: 'No transfers received',
    accept: 'Accept', decline: 'Decline', cancel: 'Withdraw', reasonPlaceholder: 'Reason (to decline or withdraw)', reasonRequired: 'Give a reason',
    requested: 'Transfer #{number} requested',
    now: 'Now', at: 'At {time}', due: 'due {time}', vehicle: 'Vehicle', eta: 'ETA {time}',
    transferBadge: 'Transfer ({direction})', coming: 'Coming transfers', noneComing: 'No scheduled transfers',
    pickUpAt: 'Pick up: {name}', deliverTo: 'Deliver: {name}',
    'direction.up': 'Referral up', 'direction.down': 'Referral down',
    'need.neonatal': 'Neonatal vehicle', 'need.negative_pressure': 'Negative pressure', 'need.monitoring': 'Monitoring', 'need.escort': 'Escort',
    'phase.requested': 'Awaiting answer', 'phase.declined': 'Declined', 'phase.cancelled': 'Withdrawn', 'phase.scheduled': 'Accepted · scheduled',
    'phase.queued': 'Waiting for a vehicle', 'phase.dispatched': 'Vehicle on its way to pick up', 'phase.at_pickup': 'Vehicle at the sending hospital',
    'phase.transporting': 'On the way', 'phase.arrived': 'Delivered', 'phase.completed': 'Completed',
  },
);

export const useTransferWords = createI18n(transferMessages);

export const phaseKey = (phase: TransferPhase) => `phase.${phase}` as const;
export const needKey = (need: TransferNeed) => `need.${need}` as const;
export const directionKey = (direction: TransferDirection) => `direction.${direction}` as const;
