import { useEffect, useRef, useState, type FormEvent } from 'react';
import { MESSAGE_MAX_CHARS, type IncidentDto, type MessageDto } from '@dispatch/protocol';
import { Panel } from '../common/Panel';
import { useI18n } from '../i18n/i18n';
import { useLive, useLiveContext } from '../realtime/useLive';

/**
 * The incident's task channels, one per vehicle sent: messages to and from the crew (text shown as text), pushed
 * live and read again after every reconnect (syncedAt). A task that has ended stays readable.
 */
export function TaskMessages({ incident }: { incident: IncidentDto }) {
  const { t } = useI18n();
  const { api, connection } = useLiveContext();
  const { messages, syncedAt } = useLive();
  // The live tasks first, then the ended ones that have messages.
  const tasks = [...incident.assignments].sort((a, b) => Number(!!a.endedAt) - Number(!!b.endedAt));
  const ids = tasks.map((a) => a.id).join(',');
  useEffect(() => {
    if (!ids) return;
    for (const id of ids.split(',')) {
      api
        .call('listMessages', { params: { id } })
        .then((list) => connection.rememberMessages(id, list))
        .catch(() => undefined);
    }
  }, [api, connection, ids, syncedAt]);
  const shown = tasks.filter((a) => !a.endedAt || a.status === 'back_in_service' || (messages.get(a.id)?.length ?? 0) > 0);
  if (shown.length === 0) return null;
  return (
    <Panel className="task-messages" testId="task-messages" title={`${t('taskMessages')} · #${incident.number}`}>
      {shown.map((a) => (
        <Thread key={a.id} assignmentId={a.id} callSign={a.callSign} open={!a.endedAt || a.status === 'back_in_service'} list={messages.get(a.id) ?? []} />
      ))}
    </Panel>
  );
}

function Thread({ assignmentId, callSign, open, list }: { assignmentId: string; callSign: string; open: boolean; list: readonly MessageDto[] }) {
  const { t, label, clock, error } = useI18n();
  const { api, connection } = useLiveContext();
  const [draft, setDraft] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const shown = useRef<HTMLOListElement>(null);
  // The newest in view.
  useEffect(() => {
    if (shown.current) shown.current.scrollTop = shown.current.scrollHeight;
  }, [list.length]);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text || busy) return;
    setBusy(true);
    setFailure(null);
    try {
      const message = await api.call('sendMessage', { params: { id: assignmentId }, body: { messageId: crypto.randomUUID(), text } });
      connection.rememberMessages(assignmentId, [message]);
      setDraft('');
    } catch (e) {
      setFailure(error(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="thread" data-assignment={assignmentId}>
      <div className="sub-title">{callSign}</div>
      <ol className="messages" ref={shown}>
        {list.length === 0 && <li className="muted small">{t('noMessages')}</li>}
        {list.map((m) => (
          <li key={m.id} className={`message from-${m.side}`} data-side={m.side}>
            <span className="muted small">
              {clock(m.deviceTime)} · {m.side === 'crew' ? t('messageFromCrew') : t('messageFromDispatch')} {m.author ?? ''}
            </span>
            <span className="message-text">{m.quickReply ? label('quickReply', m.quickReply) : m.text}</span>
          </li>
        ))}
      </ol>
      {open ? (
        <form className="message-form" onSubmit={(e) => void send(e)}>
          <input
            value={draft}
            maxLength={MESSAGE_MAX_CHARS}
            placeholder={t('messagePlaceholder')}
            aria-label={t('messagePlaceholder')}
            data-testid="message-input"
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit" className="primary" disabled={busy || !draft.trim()}>
            {t('sendMessage')}
          </button>
        </form>
      ) : (
        <div className="muted small">{t('messagesClosed')}</div>
      )}
      {failure && <div className="error">{failure}</div>}
    </div>
  );
}
