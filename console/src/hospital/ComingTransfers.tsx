import type { TransferBrief } from '@dispatch/protocol';
import { Prio } from '../common/Panel';
import { useLive } from '../realtime/useLive';
import { directionKey, needKey, useTransferWords } from './transferWords';
import './transfers.css';

/** The queue's mark of a transfer's incident: 转运, up or down, with its receiving hospital. */
export function TransferBadge({ transfer }: { transfer: TransferBrief }) {
  const { t, lang, name } = useTransferWords();
  const needs = transfer.needs.map((n) => t(needKey(n))).join(lang === 'en' ? ', ' : '、');
  return (
    <span className="badge transfer-badge" data-testid="transfer-badge" title={`${name(transfer.from)} → ${name(transfer.to)}${needs ? ` · ${needs}` : ''}`}>
      {t('transferBadge', { direction: t(directionKey(transfer.direction)) })}
    </span>
  );
}

/**
 * The dispatcher's "coming" list: transfers accepted for a later time, which hold no vehicle until they are due and
 * then enter the queue as incidents.
 */
export function ComingTransfers() {
  const { t, lang, name } = useTransferWords();
  // A day and a time: a transfer may be due tomorrow.
  const when = (at: string) => new Date(at).toLocaleString(lang, { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
  const live = useLive();
  const coming = [...live.transfers.values()]
    .filter((x) => x.phase === 'scheduled' && x.scheduledAt)
    .sort((a, b) => Date.parse(a.scheduledAt!) - Date.parse(b.scheduledAt!));
  return (
    <div className="coming" data-testid="coming-transfers">
      <div className="coming-title">
        {t('coming')} <span className="count">{coming.length}</span>
      </div>
      {coming.length === 0 ? (
        <div className="muted small">{t('noneComing')}</div>
      ) : (
        <ul>
          {coming.map((x) => (
            <li key={x.id} data-transfer={x.number}>
              <Prio priority={x.priority} />
              <b>{when(x.scheduledAt!)}</b>
              <span>
                {t(directionKey(x.direction))} {name(x.from)} → {name(x.to)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
