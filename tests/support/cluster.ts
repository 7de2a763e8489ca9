import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, freePort } from './wait';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One dispatch-server process (dispatch-server/src/main.ts) on a port of its own. */
export interface ServerProcess {
  name: string;
  port: number;
  url: string;
  /** The HAProxy cookie value that pins a client to this process. */
  cookie: string;
  child: ChildProcess;
  /** Starts it (again); resolves once /api/health answers. */
  start(env?: Record<string, string>): Promise<void>;
  /** SIGKILL, as a crash: resolves once the process is gone. */
  kill(): Promise<void>;
}

/**
 * A real server process with the given environment (DATABASE_URL, REDIS_URL, JWT_SECRET, QUEUE_PREFIX …);
 * its standard error goes to the test's, so a crash is visible.
 */
export async function serverProcess(name: string, env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const proc: ServerProcess = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    cookie: `DISPATCH_SERVER=${name}`,
    child: undefined as unknown as ChildProcess,
    async start(extra = {}) {
      proc.child = spawn(process.execPath, ['--import', 'tsx', 'dispatch-server/src/main.ts'], {
        cwd: ROOT,
        env: { ...process.env, ...env, ...extra, PORT: String(port), HOST: '127.0.0.1' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      await eventually(async () => {
        if (proc.child.exitCode !== null) throw new Error(`${name} exited with ${proc.child.exitCode}`);
        return (await fetch(`${proc.url}/api/health`)).ok;
      }, 120_000);
    },
    async kill() {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
      const exited = new Promise((done) => proc.child.once('exit', done));
      proc.child.kill('SIGKILL');
      await exited;
    },
  };
  return proc;
}

/**
 * HAProxy from deploy/haproxy/haproxy.cfg.template in front of the processes, in the foreground: plain HTTP at
 * `url`, and HTTPS at `tlsUrl` with a self-signed certificate made by openssl (`ca` to trust it); GPS units' TCP at
 * `osmandPort`, balanced to the OsmAnd ports given in `osmand` (the processes' OSMAND_PORT, by process name).
 */
export async function startBalancer(servers: ServerProcess[], { osmand = {} }: { osmand?: Record<string, number> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dispatch120-haproxy-'));
  const [port, tlsPort, osmandPort] = [await freePort(), await freePort(), await freePort()];
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')]);
  if (made.status !== 0) throw new Error(`openssl: ${made.stderr.toString()}`);
  writeFileSync(join(dir, 'tls.pem'), readFileSync(join(dir, 'tls.crt'), 'utf8') + readFileSync(join(dir, 'tls.key'), 'utf8'), { mode: 0o600 });
  const config = readFileSync(join(ROOT, 'deploy/haproxy/haproxy.cfg.template'), 'utf8')
    .replaceAll('@BIND@', `127.0.0.1:${port}`)
    .replaceAll('@TLS@', `bind 127.0.0.1:${tlsPort} ssl crt ${join(dir, 'tls.pem')} alpn http/1.1`)
    .replaceAll('@RUN@', dir)
    .replaceAll('@SERVERS@', servers.map((s) => `server ${s.name} 127.0.0.1:${s.port} cookie ${s.name}`).join('\n    '))
    .replaceAll('@OSMAND_BIND@', `127.0.0.1:${osmandPort}`)
    .replaceAll('@OSMAND_SERVERS@', Object.entries(osmand).map(([name, p]) => `server ${name} 127.0.0.1:${p}`).join('\n    '));
  writeFileSync(join(dir, 'haproxy.cfg'), config);
  const child = spawn('haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${url}/api/health`)).ok);
  return {
    url,
    tlsUrl: `https://127.0.0.1:${tlsPort}`,
    osmandPort,
    /** The self-signed certificate, for a client's `ca`. */
    ca: readFileSync(join(dir, 'tls.crt'), 'utf8'),
    /** What HAProxy's health checks make of each server now, by `backend/server` (UP, DOWN, …), from its admin socket. */
    states: () =>
      new Promise<Record<string, string>>((resolve, reject) => {
        const socket = connect(join(dir, 'haproxy.sock'), () => socket.end('show stat\n'));
        let csv = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (csv += chunk));
        socket.on('error', reject);
        socket.on('end', () => {
          const [heading, ...rows] = csv.trim().split('\n');
          const status = heading!.replace(/^# /, '').split(',').indexOf('status');
          resolve(Object.fromEntries(rows.map((r) => r.split(',')).filter((f) => !['FRONTEND', 'BACKEND'].includes(f[1]!)).map((f) => [`${f[0]}/${f[1]}`, f[status]!])));
        });
      }),
    async close() {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
