import { pathOf, routes, type RouteName } from '@dispatch/protocol';

/**
 * Fetches a file route (a CSV or Excel export) with the session's token and hands it to the browser as a download
 * under the filename the server gave. A plain link cannot carry the bearer token, hence the fetch and the blob.
 */
export async function downloadFile(
  name: RouteName,
  { params = {}, query = {} }: { params?: Record<string, string>; query?: Record<string, string> },
  token: string,
  fallbackName = 'export',
): Promise<string> {
  const search = new URLSearchParams(query).toString();
  const url = `${pathOf(routes[name].path, params)}${search ? `?${search}` : ''}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: string } | null;
    throw new Error(body?.error ?? `HTTP ${res.status}`);
  }
  const filename = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const href = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = href;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return filename;
}
