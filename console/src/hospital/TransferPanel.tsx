import { useState, type FormEvent } from 'react';
import {
  GREEN_CHANNEL_CATEGORIES,
  IncidentCategory,
  TransferNeed,
  type HospitalDto,
  type TransferDirection,
  type TransferDto,
} from '@dispatch/protocol';
import { Panel, Prio } from '../common/Panel';
import { useLive, useLiveContext } from '../realtime/useLive';
import { directionKey, needKey, phaseKey, useTransferWords } from './transferWords';
import './transfers.css';

/** Phases in which the sender may still withdraw (no vehicle on it yet). */
const WITHDRAWABLE = new Set(['requested', 'scheduled', 'queued']);

/**
 * The hospital board's transfers (转诊转运): the request form (to a network hospital, up or down, now or at a time,
 * needs, green channel), the transfers it sent with their live phase, vehicle and ETA (withdraw before a vehicle is
 * on it), and those it received, to accept or decline with a reason. The patient summary is React text, never HTML.
 */
export function TransferPanel({ hospital }: { hospital: HospitalDto | undefined }) {
  const { t, label, clock, lang, name, error: errorText } = useTransferWords();
  const { api, connection } = useLiveContext();
  const when = (at: string) => new Date(at).toLocaleString(lang, { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
  const live = useLive();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const own = hospital?.id;
  const transfers = [...live.transfers.values()];
  const outgoing = transfers.filter((x) => x.from.id === own);
  const incoming = transfers.filter((x) => x.to.id === own);

  const act = async (action: () => Promise<TransferDto>) => {
    setError(null);
    setNotice(null);
    try {
      connection.apply('transfers', await action());
    } catch (e) {
      setError(errorText(e));
    }
  };
  const withReason = (x: TransferDto, run: (reason: string) => Promise<TransferDto>) => {
    const reason = (reasons[x.id] ?? '').trim();
    if (!reason) return setError(t('reasonRequired'));
    void act(() => run(reason));
  };

  const row = (x: TransferDto, side: 'outgoing' | 'incoming') => {
    const other = side === 'outgoing' ? x.to : x.from;
    const answerable = side === 'incoming' && x.phase === 'requested';
    const withdrawable = side === 'outgoing' && WITHDRAWABLE.has(x.phase);
    return (
      <article key={x.id} className={`transfer transfer-${x.phase}${x.greenChannel ? ' green' : ''}`} data-transfer={x.number} data-phase={x.phase}>
        <div className="transfer-head">
          <Prio priority={x.priority} />
          <b>#{x.number}</b>
          <span className={`direction direction-${x.direction}`}>{t(directionKey(x.direction))}</span>
          <span>{side === 'outgoing' ? '→' : '←'} {name(other)}</span>
          <span className="muted">{label('category', x.category)}</span>
          {x.greenChannel && <span className="badge green-channel">{t('greenChannel')}</span>}
          <span className="phase" data-testid="transfer-phase">{t(phaseKey(x.phase))}</span>
        </div>
        <div className="transfer-summary">{x.patientSummary}</div>
        <div className="muted small">
          {x.scheduledAt ? t('at', { time: when(x.scheduledAt) }) : t('now')}
          {x.needs.length > 0 && <> · {x.needs.map((n) => t(needKey(n))).join('、')}</>}
          {x.vehicleCallSign && <> · <span className="vehicle-tag">{x.vehicleCallSign}</span></>}
          {x.etaAt && <> · <span data-testid="transfer-eta">{t('eta', { time: clock(x.etaAt) })}</span></>}
          {x.reason && <> · {t('reason')}：{x.reason}</>}
        </div>
        {(answerable || withdrawable) && (
          <div className="transfer-actions">
            <input
              type="text"
              maxLength={300}
              placeholder={t('reasonPlaceholder')}
              value={reasons[x.id] ?? ''}
              onChange={(e) => setReasons({ ...reasons, [x.id]: e.target.value })}
              data-testid="transfer-reason"
            />
            {answerable && (
              <>
                <button type="button" className="primary" data-testid="accept-transfer" onClick={() => void act(() => api.call('acceptTransfer', { params: { id: x.id } }))}>
                  {t('accept')}
                </button>
                <button type="button" data-testid="decline-transfer" onClick={() => withReason(x, (reason) => api.call('declineTransfer', { params: { id: x.id }, body: { reason } }))}>
                  {t('decline')}
                </button>
              </>
            )}
            {withdrawable && (
              <button type="button" data-testid="cancel-transfer" onClick={() => withReason(x, (reason) => api.call('cancelTransfer', { params: { id: x.id }, body: { reason } }))}>
                {t('cancel')}
              </button>
            )}
          </div>
        )}
      </article>
    );
  };

  return (
    <div className="transfers">
      {hospital && (
        <TransferForm
          hospital={hospital}
          hospitals={[...live.hospitals.values()]}
          onSent={(x) => {
            connection.apply('transfers', x);
            setNotice(t('requested', { number: x.number }));
          }}
          onError={setError}
        />
      )}
      {(error || notice) && (
        <div className={error ? 'error' : 'ok'} role={error ? 'alert' : 'status'}>
          {error ?? notice}
        </div>
      )}
      <Panel className="transfer-list" testId="incoming-transfers" title={<>{t('incoming')} <span className="count">{incoming.length}</span></>}>
        {incoming.length === 0 && <div className="muted pad">{t('noIncoming')}</div>}
        {incoming.map((x) => row(x, 'incoming'))}
      </Panel>
      <Panel className="transfer-list" testId="outgoing-transfers" title={<>{t('outgoing')} <span className="count">{outgoing.length}</span></>}>
        {outgoing.length === 0 && <div className="muted pad">{t('noOutgoing')}</div>}
        {outgoing.map((x) => row(x, 'outgoing'))}
      </Panel>
    </div>
  );
}

/** The request: from this hospital to another network hospital (village clinics neither send nor receive). */
function TransferForm({
  hospital, hospitals, onSent, onError,
}: { hospital: HospitalDto; hospitals: HospitalDto[]; onSent: (x: TransferDto) => void; onError: (message: string | null) => void }) {
  const { t, label, name, error: errorText } = useTransferWords();
  const { api } = useLiveContext();
  const township = hospital.kind === 'township';
  const [toHospitalId, setTo] = useState('');
  const [direction, setDirection] = useState<TransferDirection>(township ? 'up' : 'down');
  const [category, setCategory] = useState<IncidentCategory>('other');
  const [needs, setNeeds] = useState<TransferNeed[]>([]);
  const [greenChannel, setGreen] = useState(false);
  const [scheduledAt, setScheduled] = useState('');
  const [patientSummary, setSummary] = useState('');
  const [sending, setSending] = useState(false);
  const targets = hospitals
    .filter((h) => h.id !== hospital.id && h.kind !== 'village_clinic')
    .sort((a, b) => Number(a.kind === 'township') - Number(b.kind === 'township') || a.name.localeCompare(b.name, 'zh-CN'));
  const greenAllowed = GREEN_CHANNEL_CATEGORIES.includes(category);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    onError(null);
    setSending(true);
    try {
      const sent = await api.call('requestTransfer', {
        body: {
          fromHospitalId: hospital.id,
          toHospitalId,
          direction,
          category,
          needs,
          greenChannel: greenAllowed && greenChannel,
          patientSummary,
          ...(scheduledAt ? { scheduledAt: new Date(scheduledAt).toISOString() } : {}),
        },
      });
      onSent(sent);
      setSummary('');
      setNeeds([]);
      setGreen(false);
      setScheduled('');
    } catch (error) {
      onError(errorText(error));
    } finally {
      setSending(false);
    }
  };

  return (
    <Panel className="transfer-form" testId="transfer-form" title={t('requestTransfer')}>
      <form onSubmit={(e) => void submit(e)}>
        <div className="transfer-fields">
          <label>
            {t('toHospitalId')}
            <select name="toHospitalId" value={toHospitalId} onChange={(e) => setTo(e.target.value)}>
              <option value="">{t('chooseHospital')}</option>
              {targets.map((h) => (
                <option key={h.id} value={h.id}>
                  {name(h)}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="direction-choice">
            <legend>{t('direction')}</legend>
            {(['up', 'down'] as const).map((d) => (
              <label key={d}>
                <input type="radio" name="direction" value={d} checked={direction === d} onChange={() => setDirection(d)} />
                {t(directionKey(d))}
              </label>
            ))}
          </fieldset>
          <label>
            {t('category')}
            <select name="category" value={category} onChange={(e) => setCategory(e.target.value as IncidentCategory)}>
              {IncidentCategory.options.map((c) => (
                <option key={c} value={c}>
                  {label('category', c)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('scheduledAt')} <span className="muted small">({t('scheduledHint')})</span>
            <input type="datetime-local" name="scheduledAt" value={scheduledAt} onChange={(e) => setScheduled(e.target.value)} />
          </label>
        </div>
        <fieldset className="needs">
          <legend>{t('needs')}</legend>
          {TransferNeed.options.map((n) => (
            <label key={n}>
              <input
                type="checkbox"
                name="needs"
                value={n}
                checked={needs.includes(n)}
                onChange={(e) => setNeeds(e.target.checked ? [...needs, n] : needs.filter((x) => x !== n))}
              />
              {t(needKey(n))}
            </label>
          ))}
          <label className={greenAllowed ? '' : 'muted'}>
            <input type="checkbox" name="greenChannel" checked={greenAllowed && greenChannel} disabled={!greenAllowed} onChange={(e) => setGreen(e.target.checked)} />
            {t('greenChannel')}
          </label>
        </fieldset>
        <label className="summary-field">
          {t('patientSummary')}
          <textarea name="patientSummary" rows={2} maxLength={2000} value={patientSummary} onChange={(e) => setSummary(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={sending} data-testid="submit-transfer">
          {t('submitTransfer')}
        </button>
      </form>
    </Panel>
  );
}
