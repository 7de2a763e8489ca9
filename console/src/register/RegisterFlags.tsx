import { RECORD_FLAG_COLOURS, type IncidentDto, type RecordFlag, type RegisterMatchDto, type RegisterMatchRequest } from '@dispatch/protocol';
import { useAnswerAfterPause, useLoaded } from '@dispatch/ui';
import { useLiveContext } from '../realtime/useLive';
import { flagLabel, useRegisterWords } from './registerWords';
import './register.css';

/** Typing pauses this long before the register is asked again. */
const QUERY_DELAY_MS = 300;
const PHONE = /^\+?[0-9 -]{3,20}$/;

/** The five-colour record flags as chips in their colour, each with its meaning. */
export function FlagChips({ flags }: { flags: readonly RecordFlag[] }) {
  const { lang } = useRegisterWords();
  return (
    <span className="record-flags">
      {flags.map((f) => (
        <span key={f} className="record-flag" data-flag={f} style={{ background: RECORD_FLAG_COLOURS[f] }}>
          {flagLabel(lang, f)}
        </span>
      ))}
    </span>
  );
}

/** The matched residents: name and age, groups, flags, and the family-doctor team with its number. */
export function RegisterMatches({ matches, testId }: { matches: readonly RegisterMatchDto[]; testId: string }) {
  const { t, label } = useRegisterWords();
  if (matches.length === 0) return null;
  return (
    <section className="panel register-panel" role="note" data-testid={testId}>
      <div className="register-head">{t('registerMatch')}</div>
      {matches.map((m) => (
        <div key={m.residentId} className="register-resident" data-resident={m.residentId}>
          <div>
            <b>{m.name}</b>
            {m.age !== null && <span className="muted"> · {t('ageYears', { age: m.age })}</span>}
            <span className="muted small"> · {m.matchedBy.map((b) => t(`matchedBy_${b}`)).join(' / ')}</span>
          </div>
          <FlagChips flags={m.flags} />
          {m.groups.length > 0 && (
            <div className="register-groups">
              {m.groups.map((g) => (
                <span key={g} className="badge group">
                  {label('priorityGroup', g)}
                </span>
              ))}
            </div>
          )}
          {m.team && (
            <div className="small" data-testid="register-team">
              {t('team')}
              {m.team.name}
              {m.team.phone && <span className="number"> {m.team.phone}</span>}
            </div>
          )}
        </div>
      ))}
    </section>
  );
}

/** While a call is taken: the register's residents the typed number or address matches (asked after a pause in typing). */
export function IntakeRegister({ draft }: { draft: { callerPhone: string; address: string; phoneCallId?: string | null } }) {
  const { api } = useLiveContext();
  const phone = draft.callerPhone.trim();
  const address = draft.address.trim();
  const query: RegisterMatchRequest | null =
    PHONE.test(phone) || address
      ? {
          ...(PHONE.test(phone) ? { callerPhone: phone } : {}),
          ...(address ? { address } : {}),
          ...(draft.phoneCallId ? { phoneCallId: draft.phoneCallId } : {}),
        }
      : null;
  const answer = useAnswerAfterPause(query, (body) => api.call('matchRegister', { body }), QUERY_DELAY_MS);
  const matches = answer?.matches ?? [];
  return <RegisterMatches matches={matches} testId="intake-register" />;
}

/** The residents linked to the selected incident at intake. */
export function IncidentRegister({ incident }: { incident: IncidentDto }) {
  const { api } = useLiveContext();
  const loaded = useLoaded(incident.id, () => api.call('getIncidentRegister', { params: { id: incident.id } }));
  return <RegisterMatches matches={loaded?.incidentId === incident.id ? loaded.matches : []} testId="incident-register" />;
}

/** For the receiving hospital: the care flags of a notice's patient (nothing else of the register). */
export function NoticeCareFlags({ noticeId }: { noticeId: string }) {
  const { api } = useLiveContext();
  const { t } = useRegisterWords();
  const loaded = useLoaded(noticeId, () => api.call('getNoticeCareFlags', { params: { id: noticeId } }));
  const flags = loaded?.noticeId === noticeId ? loaded.flags : [];
  if (flags.length === 0) return null;
  return (
    <div className="care-flags small" data-testid="care-flags">
      {t('careFlags')}: <FlagChips flags={flags} />
    </div>
  );
}
