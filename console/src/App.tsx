import { useEffect, useState } from 'react';
import type { HealthReport } from '@dispatch/protocol';

const LABELS: Record<keyof HealthReport['components'], string> = {
  postgres: 'PostgreSQL',
  postgis: 'PostGIS',
  pgrouting: 'pgRouting',
  redis: 'Redis',
};

/** System status page; the dispatcher console and hospital board grow from here (issue #5). */
export function App() {
  const [health, setHealth] = useState<HealthReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const poll = async () => {
      try {
        const res = await fetch('/api/health');
        const report = (await res.json()) as HealthReport;
        if (!cancelled) {
          setHealth(report);
          setError(null);
        }
      } catch (e) {
        if (!cancelled) setError((e as Error).message);
      }
    };
    void poll();
    const timer = setInterval(poll, 5000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, []);

  return (
    <main className="status-page">
      <h1>120 急救调度指挥系统</h1>
      <h2>系统状态 System status</h2>
      {error && <p className="down">无法连接服务器 Server unreachable: {error}</p>}
      {health && (
        <table>
          <tbody>
            {(Object.keys(LABELS) as (keyof typeof LABELS)[]).map((key) => (
              <tr key={key} data-component={key}>
                <th>{LABELS[key]}</th>
                <td className={health.components[key].ok ? 'up' : 'down'}>{health.components[key].ok ? '正常 OK' : '故障 DOWN'}</td>
                <td>{health.components[key].detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
