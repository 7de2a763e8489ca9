import { ApiError, pathOf, routes, type RouteName } from '@dispatch/protocol';

/** The routes whose body is a file (`upload` in the route table) and the one that answers with a file. */
type FileRoute = Extract<RouteName, 'uploadRoadNetwork' | 'previewBulkImport' | 'commitBulkImport' | 'exportBulk' | 'importRegister'>;

const urlOf = (name: FileRoute, query: Record<string, string>) => `${pathOf(routes[name].path)}?${new URLSearchParams(query)}`;

/**
 * Sends a file as the body of an upload route (the typed client speaks JSON only), reporting the share sent so far
 * (XMLHttpRequest: fetch has no upload progress). Resolves with the parsed answer; a refusal rejects with an ApiError
 * carrying the server's code and details (a bulk preview's rows).
 */
export function uploadFile<T>(name: FileRoute, query: Record<string, string>, file: Blob, token: string, onProgress?: (share: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', urlOf(name, query));
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', file.type && !file.type.includes('json') ? file.type : 'application/octet-stream');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, 'server unreachable'));
    xhr.onload = () => {
      let body: { error?: string; code?: string; details?: unknown } | null = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = { error: xhr.responseText };
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(new ApiError(xhr.status, body?.error ?? xhr.statusText, body?.details, body?.code));
    };
    xhr.send(file);
  });
}

/** Downloads an export with the session's token and hands it to the browser as a file to save. */
export async function downloadFile(name: FileRoute, query: Record<string, string>, token: string, fileName: string): Promise<void> {
  const res = await fetch(urlOf(name, query), { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new ApiError(res.status, res.statusText);
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
