import { RECORD_FLAG_COLOURS, RECORD_FLAG_LABELS } from '@dispatch/protocol';
import { createI18n, defineMessages, useLoaded } from '@dispatch/ui';
import type { AgentHandle } from './useCrewAgent';

const useWords = createI18n(
  defineMessages(
    { registerMatch: '重点人群档案', team: '家庭医生团队：', ageYears: '{age} 岁' },
    { registerMatch: 'Priority-group record', team: 'Family-doctor team: ', ageYears: '{age} y' },
  ),
);

/**
 * The priority-group register's residents linked to the task's incident (the caller's number or address matched at
 * intake): record flags, groups and the family-doctor team to call. Asked again every 15 s while it cannot be read.
 */
export function RegisterCard({ agent, assignmentId }: { agent: AgentHandle['agent']; assignmentId: string }) {
  const { t, lang, label } = useWords();
  const loaded = useLoaded(assignmentId, () => (agent ? agent.api.call('getAssignmentRegister', { params: { id: assignmentId } }) : Promise.reject(new Error('no agent'))), 15_000);
  const matches = loaded ? loaded.matches : [];
  if (matches.length === 0) return null;
  return (
    <section className="card register" data-testid="task-register">
      <div className="card-head">
        <b>{t('registerMatch')}</b>
      </div>
      {matches.map((m) => (
        <div key={m.residentId} className="register-resident">
          <div>
            {m.name}
            {m.age !== null && ` · ${t('ageYears', { age: m.age })}`}
          </div>
          <div className="flags">
            {m.flags.map((f) => (
              <span key={f} className="flag record" data-flag={f} style={{ background: RECORD_FLAG_COLOURS[f], color: '#fff', borderColor: RECORD_FLAG_COLOURS[f] }}>
                {RECORD_FLAG_LABELS[lang][f]}
              </span>
            ))}
            {m.groups.map((g) => (
              <span key={g} className={`flag ${g}`}>
                {label('priorityGroup', g)}
              </span>
            ))}
          </div>
          {m.team && (
            <div className="summary">
              {t('team')}
              {m.team.name} {m.team.phone && <a href={`tel:${m.team.phone.replace(/[^0-9+]/g, '')}`} style={{ whiteSpace: 'nowrap' }}>{m.team.phone}</a>}
            </div>
          )}
        </div>
      ))}
    </section>
  );
}
