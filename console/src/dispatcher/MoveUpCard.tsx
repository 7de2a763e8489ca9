import { useEffect, useState } from 'react';
import { ApiError, type MoveUpSuggestionsDto, type RepositionState } from '@dispatch/protocol';
import { Panel } from '../common/Panel';
import type { MessageKey } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { useLive, useLiveContext } from '../realtime/useLive';

const STATE_WORD: Record<RepositionState, MessageKey> = {
  offered: 'repositionOffered', accepted: 'repositionAccepted', arrived: 'repositionArrived', cancelled: 'repositionCancelled',
};

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/**
 * The move-up suggestion (补位建议): when free vehicles have left part of the county outside the 30-minute circle,
 * DMEXCLP's best move — which free vehicle should stand by at which station, and the villages that brings back —
 * with one action that sends the crew its reposition and route. Asked again whenever the circle or a reposition
 * changes; nothing shows while no move gains enough.
 */
export function MoveUpCard() {
  const { t, name } = useI18n();
  const { api } = useLiveContext();
  const { coverage, repositions, vehicles, stations } = useLive();
  const stationName = (id: string, fallback: string) => {
    const station = stations.find((s) => s.id === id);
    return station ? name(station) : fallback;
  };
  const [answer, setAnswer] = useState<MoveUpSuggestionsDto | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sentVehicleId, setSentVehicleId] = useState<string | null>(null);

  useEffect(() => {
    if (!coverage) return;
    let cancelled = false;
    api
      .call('moveUpSuggestions')
      .then((a) => !cancelled && setAnswer(a))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [api, coverage, repositions]);

  const sent = sentVehicleId ? repositions.get(sentVehicleId) : undefined;
  const first = answer?.suggestions[0];
  if (!first && !sent) return null;

  const send = async () => {
    if (!first) return;
    setSending(true);
    setError(null);
    try {
      await api.call('sendReposition', { params: { id: first.vehicleId }, body: { stationId: first.stationId } });
      setSentVehicleId(first.vehicleId);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <Panel className="move-up" testId="move-up" title={t('moveUpTitle')}>
      <div className="pad">
        {first && (
          <>
            <div className="move-up-line" data-testid="move-up-line">
              <b>{t('moveUpLine', { vehicle: first.callSign, station: stationName(first.stationId, first.stationName) })}</b>
            </div>
            <div className="muted small">
              {t('moveUpDrive', { m: Math.max(1, Math.round(first.driveSeconds / 60)) })} · {t('moveUpGain', {
                before: percent(first.shareBefore), after: percent(first.shareAfter),
                pBefore: percent(first.populationShareBefore), pAfter: percent(first.populationShareAfter),
              })}
            </div>
            <div className="muted small">{t('moveUpMethod', { q: answer!.q.toFixed(2) })}</div>
            <button type="button" className="primary" data-testid="move-up-send" disabled={sending} onClick={() => void send()}>
              {sending ? t('moveUpSending') : t('moveUpSend')}
            </button>
          </>
        )}
        {sent && (
          <div className="small" data-testid="move-up-sent">
            {t('moveUpSent', { vehicle: vehicles.get(sent.vehicleId)?.callSign ?? sent.callSign, station: stationName(sent.stationId, sent.stationName), state: t(STATE_WORD[sent.state]) })}
          </div>
        )}
        {error && (
          <div className="error small" role="alert">
            {error}
          </div>
        )}
      </div>
    </Panel>
  );
}
