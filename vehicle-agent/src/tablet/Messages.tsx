import { useEffect, useRef, useState, type FormEvent } from 'react';
import { MESSAGE_MAX_CHARS, QuickReply, type MessageDto } from '@dispatch/protocol';
import type { CrewAgent, CrewAgentState } from '../agent/crewAgent';
import { useI18n } from './i18n';

/**
 * The task's channel with the dispatch centre: what was said (text shown as text), the crew's messages still in
 * the outbox marked "sending", one tap for the usual replies, and a line to type. Everything goes through the
 * agent's outbox, so it is kept when the network drops and sent in order once it is back.
 */
export function Messages({ agent, state }: { agent: CrewAgent | null; state: CrewAgentState }) {
  const { t, label, clock } = useI18n();
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const count = state.messages.length + state.outgoing.length;
  // The newest in view.
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [count]);
  const send = (text: string, quickReply?: QuickReply) => {
    setProblem(null);
    agent?.sendMessage(text, quickReply).then(
      () => !quickReply && setDraft(''),
      (e: Error) => setProblem(e.message),
    );
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim()) send(draft);
  };
  const line = (m: Pick<MessageDto, 'side' | 'text' | 'quickReply' | 'deviceTime'>, key: string, sending: boolean) => (
    <li key={key} className={`message from-${m.side}${sending ? ' sending' : ''}`} data-side={m.side}>
      <span className="message-meta">
        {clock(m.deviceTime)} · {m.side === 'crew' ? t('fromCrew') : t('fromDispatch')}
        {sending && <> · {t('sending')}</>}
      </span>
      <span className="message-text">{m.quickReply ? label('quickReply', m.quickReply) : m.text}</span>
    </li>
  );
  return (
    <section className="card messages-card" data-testid="messages">
      <h3>{t('messages')}</h3>
      <ol className="messages" ref={list}>
        {count === 0 && <li className="muted">{t('noMessages')}</li>}
        {state.messages.map((m) => line(m, m.id, false))}
        {state.outgoing.map((m) => line({ side: 'crew', text: m.text, quickReply: m.quickReply ?? null, deviceTime: m.deviceTime }, m.messageId, true))}
      </ol>
      <div className="quick-replies">
        {QuickReply.options.map((code) => (
          <button key={code} type="button" className="quick" data-quick={code} onClick={() => send(label('quickReply', code), code)}>
            {label('quickReply', code)}
          </button>
        ))}
      </div>
      <form className="message-form" onSubmit={submit}>
        <input value={draft} maxLength={MESSAGE_MAX_CHARS} placeholder={t('messagePlaceholder')} aria-label={t('messagePlaceholder')} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit" className="send" disabled={!draft.trim()}>
          {t('send')}
        </button>
      </form>
      {problem && <p className="error">{problem}</p>}
    </section>
  );
}
