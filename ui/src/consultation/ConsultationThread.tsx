import { useEffect, useRef, useState, type FormEvent } from 'react';
import {
  ApiError,
  CONSULTATION_MEDIA_TYPES,
  CONSULTATION_TEXT_MAX_CHARS,
  type ApiClient,
  type ConsultationDto,
  type ConsultationEntryDto,
  type ConsultationSide,
  type Vitals,
} from '@dispatch/protocol';
import { useConsultationWords } from './words';
import './consultation.css';

/** The attachment limit the server keeps by default (CONSULTATION_ATTACHMENT_MAX_MB); the server's answer decides. */
const MAX_MB = 5;
/** A camera photo past the limit is re-encoded this large on its long side before it is sent. */
const PHOTO_LONG_SIDE = 2400;

export interface ConsultationThreadProps {
  consultation: ConsultationDto;
  /** Who is looking: the side the screen writes as. */
  viewer: ConsultationSide;
  api: ApiClient;
  /** An entry the screen sent, to show at once (its push comes too and is merged). */
  onAdded(entry: ConsultationEntryDto): void;
  /** Big type and targets for the crew tablet. */
  large?: boolean;
  /** The crew records vital signs here (they join the series and the notice). */
  vitalsForm?: boolean;
  /** Under a heading of the screen's own that names the consultation and the incident: the vehicle and hospital only. */
  untitled?: boolean;
}

/**
 * A patient's consultation between the crew, the receiving hospital's doctor and the dispatchers: the vital-sign
 * series as a table, every message, answer and file in order (text always as text, files fetched with the session's
 * token and shown from a blob), and a line to write, a photo from the camera or a file to send.
 */
export function ConsultationThread({ consultation, viewer, api, onAdded, large, vitalsForm, untitled }: ConsultationThreadProps) {
  const { t, clock, error: errorText } = useConsultationWords();
  const [draft, setDraft] = useState('');
  const [replyTo, setReplyTo] = useState<ConsultationEntryDto | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const messages = consultation.entries.filter((e) => e.kind !== 'vitals');
  const series = consultation.entries.filter((e) => e.kind === 'vitals' && e.vitals);
  const byId = new Map(consultation.entries.map((e) => [e.id, e]));
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [messages.length]);

  const refusal = (e: unknown) =>
    e instanceof ApiError && e.status === 413 ? t('tooLarge', { mb: MAX_MB }) : e instanceof ApiError && (e.status === 415 || /^body: the file is not/.test(e.message)) ? t('wrongType') : errorText(e);
  const run = async (what: string, action: () => Promise<void>) => {
    setBusy(what);
    setProblem(null);
    try {
      await action();
    } catch (e) {
      setProblem(refusal(e));
    } finally {
      setBusy(null);
    }
  };
  const send = (event: FormEvent) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text || busy) return;
    void run('text', async () => {
      const body = { entryId: crypto.randomUUID(), text, ...(replyTo ? { replyTo: replyTo.id } : {}) };
      onAdded(await api.call('sendConsultationText', { params: { id: consultation.assignmentId }, body }));
      setDraft('');
      setReplyTo(null);
    });
  };
  const sendFile = (input: HTMLInputElement) => {
    const picked = input.files?.[0];
    input.value = '';
    if (!picked || busy) return;
    void run('file', async () => {
      const file = await fitted(picked);
      if (!(CONSULTATION_MEDIA_TYPES as readonly string[]).includes(file.type)) throw new ApiError(415, 'content-type');
      if (file.size > MAX_MB * 1024 * 1024) throw new ApiError(413, 'body');
      const query = { entryId: crypto.randomUUID(), ...(picked.name ? { fileName: picked.name.slice(0, 200) } : {}) };
      onAdded(await api.upload('uploadConsultationAttachment', { params: { id: consultation.assignmentId }, query }, file));
    });
  };
  const sideWord = (e: ConsultationEntryDto) =>
    e.side === 'crew' ? t('fromCrew') : e.side === 'hospital' ? (e.replyTo ? t('answer') : t('fromHospital')) : t('fromDispatch');
  const placeholder = viewer === 'crew' ? t('placeholderCrew') : viewer === 'hospital' ? t('placeholderHospital') : t('placeholderDispatch');

  return (
    <section className={`consultation${large ? ' large' : ''}`} data-testid="consultation" data-assignment={consultation.assignmentId}>
      <h3 className="consult-title">
        {untitled ? '' : `${t('title')} · #${consultation.incidentNumber} · `}
        {consultation.vehicleCallSign}{' '}
        <span className="consult-muted">{consultation.hospitalName ? t('toHospital', { hospital: consultation.hospitalName }) : t('noHospital')}</span>
      </h3>
      {series.length > 0 && <VitalsTable series={series} />}
      <ol className="consult-entries" ref={list} data-testid="consult-entries">
        {messages.length === 0 && <li className="consult-muted">{t('empty')}</li>}
        {messages.map((e) => {
          const answered = e.replyTo ? byId.get(e.replyTo) : undefined;
          return (
            <li key={e.id} className={`consult-entry from-${e.side}${e.side === viewer ? ' own' : ''}`} data-side={e.side} data-kind={e.kind}>
              <span className="consult-meta">
                {clock(e.deviceTime)} · {sideWord(e)}
                {/* A hospital login is usually named after its hospital: the name once. */}
                {e.side === 'hospital' && e.hospitalName && !e.author?.startsWith(e.hospitalName) ? ` · ${e.hospitalName}` : ''}
                {e.author ? ` · ${e.author}` : ''}
              </span>
              {answered && <span className="consult-quote">{t('replyTo', { text: quote(answered, t('photo')) })}</span>}
              {e.text && <span className="consult-text">{e.text}</span>}
              {e.attachment && <AttachmentView api={api} entry={e} />}
              {viewer === 'hospital' && e.side === 'crew' && consultation.open && (
                <button type="button" className="consult-reply" onClick={() => setReplyTo(e)} data-testid="consult-reply">
                  {t('reply')}
                </button>
              )}
            </li>
          );
        })}
      </ol>
      {consultation.open ? (
        <>
          {replyTo && (
            <div className="consult-replying">
              <span>{t('replyTo', { text: quote(replyTo, t('photo')) })}</span>
              <button type="button" onClick={() => setReplyTo(null)}>
                {t('cancelReply')}
              </button>
            </div>
          )}
          <form className="consult-form" onSubmit={send}>
            <input
              value={draft}
              maxLength={CONSULTATION_TEXT_MAX_CHARS}
              placeholder={placeholder}
              aria-label={placeholder}
              data-testid="consult-input"
              onChange={(e) => setDraft(e.target.value)}
            />
            <button type="submit" className="consult-send" disabled={!!busy || !draft.trim()} data-testid="consult-send">
              {t('send')}
            </button>
          </form>
          <div className="consult-files">
            <label className="consult-file">
              {t('takePhoto')}
              <input type="file" accept="image/jpeg,image/png" capture="environment" onChange={(e) => sendFile(e.currentTarget)} data-testid="consult-camera" />
            </label>
            <label className="consult-file">
              {t('chooseFile')}
              <input type="file" accept={CONSULTATION_MEDIA_TYPES.join(',')} onChange={(e) => sendFile(e.currentTarget)} data-testid="consult-file" />
            </label>
            {busy === 'file' && <span className="consult-muted">{t('uploading')}</span>}
          </div>
          {vitalsForm && <VitalsForm api={api} assignmentId={consultation.assignmentId} />}
        </>
      ) : (
        <div className="consult-muted">{t('closed')}</div>
      )}
      {problem && (
        <div className="consult-error" role="alert" data-testid="consult-error">
          {problem}
        </div>
      )}
    </section>
  );
}

/** A few words of the entry answered. */
function quote(entry: ConsultationEntryDto, photo: string): string {
  const text = entry.text ?? (entry.attachment ? (entry.attachment.fileName ?? photo) : '');
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * A camera photo larger than the limit is re-encoded as a JPEG at most PHOTO_LONG_SIDE on its long side (an ECG
 * strip stays legible); anything else goes as it is and the server checks it.
 */
async function fitted(file: File): Promise<Blob> {
  if (file.size <= MAX_MB * 1024 * 1024 || !file.type.startsWith('image/') || typeof createImageBitmap !== 'function') return file;
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, PHOTO_LONG_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob ?? file), 'image/jpeg', 0.85));
}

/** A photo as a thumbnail (opens full size), a PDF as a button; fetched with the session's token. */
function AttachmentView({ api, entry }: { api: ApiClient; entry: ConsultationEntryDto }) {
  const { t } = useConsultationWords();
  const [url, setUrl] = useState<string | null>(null);
  const attachment = entry.attachment!;
  const image = attachment.mediaType !== 'application/pdf';
  useEffect(() => {
    if (!image) return;
    let objectUrl: string | null = null;
    let cancelled = false;
    api.download('getConsultationAttachment', { params: { id: entry.id } }).then(
      (blob) => {
        if (cancelled) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [api, entry.id, image]);
  const size = `${(attachment.byteSize / 1024).toFixed(attachment.byteSize < 10_240 ? 1 : 0)} KB`;
  const openPdf = async () => {
    const blob = await api.download('getConsultationAttachment', { params: { id: entry.id } });
    const objectUrl = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = objectUrl;
    link.download = `consultation-${entry.id}.pdf`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(objectUrl), 10_000);
  };
  return (
    <span className="consult-attachment" data-media={attachment.mediaType}>
      {image ? (
        url ? (
          <a href={url} target="_blank" rel="noopener noreferrer">
            <img src={url} alt={attachment.fileName ?? t('photo')} className="consult-photo" data-testid="consult-photo" />
          </a>
        ) : (
          <span className="consult-photo placeholder" />
        )
      ) : (
        <button type="button" onClick={() => void openPdf().catch(() => undefined)}>
          {t('openPdf')}
        </button>
      )}
      <span className="consult-muted">
        {attachment.fileName ?? (image ? t('photo') : 'PDF')} · {size}
      </span>
    </span>
  );
}

const VITAL_KEYS = ['heartRate', 'bp', 'spo2', 'respiratoryRate', 'temperatureC', 'gcs'] as const;

/** The series, newest last: one row per measurement. */
function VitalsTable({ series }: { series: ConsultationEntryDto[] }) {
  const { t, clock } = useConsultationWords();
  const heads: Record<(typeof VITAL_KEYS)[number], string> = {
    heartRate: t('hr'), bp: t('bp'), spo2: t('spo2'), respiratoryRate: t('rr'), temperatureC: t('temp'), gcs: t('gcs'),
  };
  const cell = (v: Vitals, key: (typeof VITAL_KEYS)[number]) =>
    key === 'bp' ? (v.systolicBp !== undefined || v.diastolicBp !== undefined ? `${v.systolicBp ?? '–'}/${v.diastolicBp ?? '–'}` : '') : (v[key] ?? '');
  const shown = VITAL_KEYS.filter((k) => series.some((e) => cell(e.vitals!, k) !== ''));
  return (
    <table className="consult-vitals" data-testid="consult-vitals">
      <caption>{t('vitals')}</caption>
      <thead>
        <tr>
          <th>{t('time')}</th>
          {shown.map((k) => (
            <th key={k}>{heads[k]}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {series.map((e) => (
          <tr key={e.id}>
            <td>{clock(e.vitals!.measuredAt)}</td>
            {shown.map((k) => (
              <td key={k}>{cell(e.vitals!, k)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The crew's reading: heart rate, blood pressure, SpO₂; the task keeps the latest, the series every one. */
function VitalsForm({ api, assignmentId }: { api: ApiClient; assignmentId: string }) {
  const { t, error: errorText } = useConsultationWords();
  const [values, setValues] = useState({ heartRate: '', systolicBp: '', diastolicBp: '', spo2: '' });
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const numbers = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, Number(v)]));
    if (Object.keys(numbers).length === 0) return setProblem(t('vitalsHint'));
    setBusy(true);
    setProblem(null);
    try {
      await api.call('recordVitals', { params: { id: assignmentId }, body: { ...numbers, measuredAt: new Date().toISOString() } });
      setValues({ heartRate: '', systolicBp: '', diastolicBp: '', spo2: '' });
    } catch (e) {
      setProblem(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const field = (key: keyof typeof values, label: string) => (
    <label className="consult-vital">
      <span>{label}</span>
      <input inputMode="numeric" value={values[key]} onChange={(e) => setValues({ ...values, [key]: e.target.value.replace(/[^0-9.]/g, '') })} data-vital={key} />
    </label>
  );
  return (
    <form className="consult-vitals-form" onSubmit={(e) => void submit(e)} aria-label={t('recordVitals')}>
      {field('heartRate', t('hr'))}
      {field('systolicBp', `${t('bp')} ↑`)}
      {field('diastolicBp', `${t('bp')} ↓`)}
      {field('spo2', t('spo2'))}
      <button type="submit" disabled={busy} data-testid="consult-record-vitals">
        {t('record')}
      </button>
      {problem && <span className="consult-error">{problem}</span>}
    </form>
  );
}
