import { useEffect, useRef, useState, type FormEvent, type InputHTMLAttributes, type RefObject } from 'react';
import type { ApiError } from '@dispatch/protocol';

/** The current time, ticking every `intervalMs`, for counters (waiting time, countdowns, ETAs, fix age). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** A ref that always holds the latest `value`, for handlers registered once (Leaflet's) to call what is current. */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  useEffect(() => {
    ref.current = value;
  }, [value]);
  return ref;
}

/**
 * What `load` answers, asked again whenever `key` changes (an answer for an earlier key is dropped, the last one
 * stays shown meanwhile); null before the first answer. A failure is tried again after `retryMs`, or left alone.
 */
export function useLoaded<T>(key: string, load: () => Promise<T>, retryMs?: number): T | null {
  const [value, setValue] = useState<T | null>(null);
  const latest = useLatest(load);
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const attempt = () =>
      latest.current().then(
        (v) => !cancelled && setValue(() => v),
        () => !cancelled && retryMs !== undefined && (timer = setTimeout(attempt, retryMs)),
      );
    void attempt();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [key, latest, retryMs]);
  return value;
}

/**
 * The answer to `query`, asked `delayMs` after it last changed (the typing paused); null while none has come for the
 * query as it is now, so an older answer (the typing went on) is never shown. A failed ask leaves it null.
 */
export function useAnswerAfterPause<Q, A>(query: Q | null, ask: (query: Q) => Promise<A>, delayMs: number): A | null {
  const key = query === null ? '' : JSON.stringify(query);
  const [answered, setAnswered] = useState<{ key: string; answer: A } | null>(null);
  const latestAsk = useLatest(ask);
  useEffect(() => {
    if (!key) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      latestAsk.current(JSON.parse(key) as Q).then(
        (answer) => !cancelled && setAnswered({ key, answer }),
        () => undefined,
      );
    }, delayMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [key, delayMs, latestAsk]);
  return answered && answered.key === key ? answered.answer : null;
}

/** A JSON value kept in `storage` under `key`: read (null when absent or unreadable) and written (null removes it). */
export function stored<T>(storage: Storage, key: string) {
  return {
    load(): T | null {
      try {
        const raw = storage.getItem(key);
        return raw ? (JSON.parse(raw) as T) : null;
      } catch {
        return null;
      }
    },
    save(value: T | null): void {
      if (value) storage.setItem(key, JSON.stringify(value));
      else storage.removeItem(key);
    },
  };
}

/** A labelled input that hands its value on. */
export function Field({ label, onValue, ...input }: { label: string; onValue(value: string): void } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label>
      {label}
      <input {...input} onChange={(e) => onValue(e.target.value)} />
    </label>
  );
}

/** A form's submission: busy while `run` works, and what `failure` makes of its error shown until the next try. */
export function useSubmit(run: () => Promise<unknown>, failure: (error: ApiError) => string) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await run();
    } catch (e) {
      setError(failure(e as ApiError));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, submit };
}

/** The wait a refused login (429) names, in seconds. */
export const retryAfterS = ({ details }: ApiError): number => (details as { retryAfterS?: number } | undefined)?.retryAfterS ?? 60;
