import type { ReactNode } from 'react';
import { colourOf, PRIORITY_COLOURS } from '@dispatch/ui';
import { useI18n } from '../i18n/i18n';

/** A titled panel of the console's screens. */
export function Panel({ className, testId, title, children }: { className: string; testId?: string; title: ReactNode; children?: ReactNode }) {
  return (
    <section className={`panel ${className}`} data-testid={testId}>
      <div className="panel-title">{title}</div>
      {children}
    </section>
  );
}

/** A table's header row, one column per word. */
export function TableHead({ columns }: { columns: Parameters<ReturnType<typeof useI18n>['t']>[0][] }) {
  const { t } = useI18n();
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c}>{t(c)}</th>
        ))}
      </tr>
    </thead>
  );
}

/** An incident's priority as a chip in its colour. */
export function Prio({ priority }: { priority: number }) {
  return (
    <span className="prio" style={{ background: colourOf(PRIORITY_COLOURS, priority) }}>
      P{priority}
    </span>
  );
}

/** The patient's priority groups (elderly, pregnant…) as badges. */
export function GroupBadges({ groups }: { groups: readonly string[] }) {
  const { label } = useI18n();
  return (
    <div>
      {groups.map((g) => (
        <span key={g} className="badge group">
          {label('priorityGroup', g)}
        </span>
      ))}
    </div>
  );
}
