import { useImportWords } from './importWords';

/**
 * A file field in the screen's language: the browser's own button says "Choose File" in the browser's language
 * whatever the page's, so it is hidden and this label (a button to the eye and the keyboard) opens it.
 */
export function FilePicker({ label, accept, file, onChange, testId }: { label: string; accept: string; file: File | null; onChange(file: File | null): void; testId: string }) {
  const { t } = useImportWords();
  return (
    <div className="file-field">
      <span>{label}</span>
      <label className="file-pick">
        <input
          type="file"
          className="visually-hidden"
          accept={accept}
          data-testid={testId}
          onChange={(e) => {
            onChange(e.target.files?.[0] ?? null);
            // The same file chosen again (fixed and saved) must still fire a change.
            e.target.value = '';
          }}
        />
        <span className="file-button">{t('chooseFile')}</span>
        <span className={file ? 'file-name' : 'file-name muted'}>{file?.name ?? t('noFileChosen')}</span>
      </label>
    </div>
  );
}
