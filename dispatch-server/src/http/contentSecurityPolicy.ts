import type { IncomingMessage } from 'node:http';
import helmet from 'helmet';

/** A host as a CSP source may name it: a DNS name (with `*.` first), an IPv4 or [IPv6] address, an optional port. */
const HOST_SOURCE = /^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * Where map tiles come from, as a CSP source: `'self'` for a path on this server (or no tiles), else the
 * template's scheme and host, a `{s}` (or other placeholder) in the host's first label becoming `*` so every
 * subdomain the template rotates through is allowed. null when the template cannot be expressed as one source.
 */
export function tileImageSource(tileUrl: string): string | null {
  if (tileUrl === '' || (tileUrl.startsWith('/') && !tileUrl.startsWith('//'))) return "'self'";
  const match = /^(https?:)?\/\/([^/?#]+)/i.exec(tileUrl);
  if (!match) return null;
  const [, scheme = '', host = ''] = match;
  const [first = '', ...rest] = host.split('.');
  const source = first.includes('{') && rest.length > 0 ? `*.${rest.join('.')}` : host;
  if (!HOST_SOURCE.test(source)) return null;
  return scheme ? `${scheme.toLowerCase()}//${source}` : source;
}

/** The page's own host for websocket sources; anything else in a Host header adds nothing. */
const ownWebSockets = (req: IncomingMessage): string => {
  const host = req.headers.host ?? '';
  return HOST_SOURCE.test(host) ? `ws://${host} wss://${host}` : '';
};

/**
 * A strict Content-Security-Policy for the console, the hospital board and the crew tablet: scripts only from
 * this server (no inline script, no eval), no plugins, no framing, and the only foreign origin the map's tiles.
 * Even a name that slipped into the page as HTML could then run nothing.
 */
export function contentSecurityPolicy(tileUrl: string) {
  const tiles = tileImageSource(tileUrl);
  if (tiles === null) throw new Error(`TILE_URL cannot be allowed by the Content-Security-Policy: ${tileUrl}`);
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      // No 'unsafe-inline': Leaflet and React set positions and sizes through element.style (CSSOM), which a
      // style-src does not govern; only style attributes in HTML strings and <style> elements would need it.
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:', ...(tiles === "'self'" ? [] : [tiles])],
      fontSrc: ["'self'", 'data:'],
      // 'self' covers same-host websockets in CSP 3 browsers only; older tablet browsers need them named.
      connectSrc: ["'self'", (req) => ownWebSockets(req)],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      // No upgrade-insecure-requests: a centre's LAN may serve plain HTTP, where upgraded requests would fail.
    },
  });
}
