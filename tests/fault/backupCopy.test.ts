import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../support/demoServer';
import { startPrivateServices, type PrivateServices } from '../support/privateServices';
import { eventually, freePort } from '../support/wait';
import { discardRestoredClusters, queryAt } from '../support/faults';
import { startSshServer, type SshServer } from '../support/sshServer';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const execFileAsync = promisify(execFile);

/**
 * BACKUP_COPY_TO, first a folder (the other machine's disk, mounted here), then user@host:/path (rsync over ssh to a
 * real ssh server): every archived segment and base backup copied there as they are made; restore.sh restores from
 * the copy alone; a copy that fails does not stop the archiving, and the next base backup sends what it missed. One
 * archiving cluster for both (the archive command is changed by enable-archiving, without a restart).
 */
describe('backups copied off the machine (BACKUP_COPY_TO)', () => {
  let cluster: PrivateServices;
  let server: DemoServer;
  const tag = randomBytes(4).toString('hex');
  const backupDir = `/var/tmp/dispatch120-backups-${tag}`;
  const copyDir = `/var/tmp/dispatch120-other-machine-${tag}`;
  const sshCopyDir = `/var/tmp/dispatch120-over-ssh-${tag}`;
  const restored: string[] = [];
  let clusterUrl = '';
  /** Where the copy goes: the mounted folder, then the ssh server's folder. */
  let copy: Record<'BACKUP_COPY_TO' | 'BACKUP_SSH_CONFIG', string> = { BACKUP_COPY_TO: copyDir, BACKUP_SSH_CONFIG: '' };

  const script = async (name: 'backup' | 'restore', args: string[], env: Record<string, string> = {}) =>
    (
      await execFileAsync('bash', [`scripts/${name}.sh`, ...args], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: clusterUrl, BACKUP_DIR: backupDir, ...copy, ...env },
        encoding: 'utf8',
      })
    ).stdout;

  /** restore.sh with BACKUP_DIR naming the copy (as the other machine would, or with its disk mounted): the incidents the restored cluster has. */
  async function restoreFromCopy(backup = 'latest', from = copyDir): Promise<Set<string>> {
    const dataDir = `/var/tmp/dispatch120-restored-${randomBytes(4).toString('hex')}`;
    restored.push(dataDir);
    const printed = await script('restore', [backup, '--port', String(await freePort()), '--data-dir', dataDir], {
      DATABASE_URL: server.database.url,
      BACKUP_DIR: from,
      BACKUP_COPY_TO: '',
    });
    const url = /^DATABASE_URL=(.+)$/m.exec(printed)![1]!;
    return new Set((await queryAt<{ id: string }>(url, 'SELECT id::text AS id FROM incidents')).map((r) => r.id));
  }

  async function call(n: number): Promise<string> {
    const { api } = await server.as('dispatcher');
    return (await api.call('createIncident', { body: { location: { lon: 111.905 + n / 200, lat: 37.02 }, category: 'trauma', priority: 2, address: `异地备份 ${n} 号` } })).id;
  }

  const archiver = async () =>
    (await queryAt<{ archived: number; failed: number }>(clusterUrl, 'SELECT archived_count::int AS archived, failed_count::int AS failed FROM pg_stat_archiver'))[0]!;

  beforeAll(async () => {
    cluster = await startPrivateServices('backup-copy');
    clusterUrl = process.env.DATABASE_URL!;
    mkdirSync(backupDir, { recursive: true });
    await script('backup', ['enable-archiving']);
    cluster.run('stop');
    cluster.run('start');
    server = await startDemoServer({ REDIS_URL: process.env.REDIS_URL! });
  }, 180_000);

  afterAll(async () => {
    discardRestoredClusters(restored);
    await server?.close();
    cluster?.close();
    rmSync(backupDir, { recursive: true, force: true });
    rmSync(`${backupDir}.away`, { recursive: true, force: true });
    rmSync(copyDir, { recursive: true, force: true });
    rmSync(sshCopyDir, { recursive: true, force: true });
  });

  /** Backups are named by the second they were taken in: the next one waits for a new second. */
  const nextSecond = () => eventually(async () => !readdirSync(`${backupDir}/base`).includes(new Date().toISOString().replace(/[-:]|\.\d+/g, '')));

  it('copies each base backup and archived segment, and restores from the copy alone', async () => {
    const before = await call(1);
    const base = (await script('backup', ['base'])).trim();
    expect(readdirSync(`${copyDir}/base`)).toEqual([basename(base)]);
    const after = await call(2);
    const segment = (await script('backup', ['switch-wal'])).trim();
    expect(existsSync(`${copyDir}/wal/${segment}.gz`)).toBe(true);

    // This machine's backups are gone: only the other machine's copy is left.
    renameSync(backupDir, `${backupDir}.away`);
    try {
      const incidents = await restoreFromCopy();
      expect(incidents.has(before)).toBe(true);
      expect(incidents.has(after)).toBe(true);
    } finally {
      renameSync(`${backupDir}.away`, backupDir);
    }
  }, 120_000);

  it('keeps archiving when the copy fails, and the next base backup sends the segments it missed', async () => {
    const first = readdirSync(`${copyDir}/base`).sort()[0]!;
    const failedBefore = (await archiver()).failed;
    // The other machine's disk refuses writes (the archive command runs as postgres).
    chmodSync(`${copyDir}/wal`, 0o500);
    let missed = '';
    try {
      const lost = await call(3);
      // switch-wal without the copy's check: it would wait for a copy that cannot happen.
      missed = (await script('backup', ['switch-wal'], { BACKUP_COPY_TO: '' })).trim();
      expect(existsSync(`${backupDir}/wal/${missed}.gz`)).toBe(true);
      expect(existsSync(`${copyDir}/wal/${missed}.gz`)).toBe(false);
      expect((await archiver()).failed).toBe(failedBefore);

      chmodSync(`${copyDir}/wal`, 0o700);
      await nextSecond();
      await script('backup', ['base']);
      expect(existsSync(`${copyDir}/wal/${missed}.gz`)).toBe(true);
      // From the first base backup, the copy's archive replays through the segment the copy had missed.
      expect((await restoreFromCopy(`${copyDir}/base/${first}`)).has(lost)).toBe(true);
    } finally {
      chmodSync(`${copyDir}/wal`, 0o700);
    }
  }, 120_000);

  describe('over ssh (user@host:/path, rsync)', () => {
    let ssh: SshServer;

    beforeAll(async () => {
      ssh = await startSshServer();
      copy = { BACKUP_COPY_TO: `${ssh.alias}:${sshCopyDir}`, BACKUP_SSH_CONFIG: ssh.clientConfig };
      await script('backup', ['enable-archiving']);
    }, 60_000);

    afterAll(() => ssh?.close());

    it('copies each base backup and archived segment to the other machine, and restores from that copy alone', async () => {
      const before = await call(11);
      await nextSecond();
      const base = (await script('backup', ['base'])).trim();
      expect(readdirSync(`${sshCopyDir}/base`)).toContain(basename(base));
      const after = await call(12);
      const segment = (await script('backup', ['switch-wal'])).trim();
      // The archive command sends each segment as it is archived, before PostgreSQL counts it archived.
      expect(existsSync(`${sshCopyDir}/wal/${segment}.gz`)).toBe(true);

      renameSync(backupDir, `${backupDir}.away`);
      try {
        const incidents = await restoreFromCopy('latest', sshCopyDir);
        expect(incidents.has(before)).toBe(true);
        expect(incidents.has(after)).toBe(true);
      } finally {
        renameSync(`${backupDir}.away`, backupDir);
      }
    }, 120_000);

    it('keeps archiving while the other machine is away, and the next base backup sends what it missed', async () => {
      const first = readdirSync(`${sshCopyDir}/base`).sort()[0]!;
      const failedBefore = (await archiver()).failed;
      await ssh.stop();
      let missed = '';
      try {
        const lost = await call(13);
        missed = (await script('backup', ['switch-wal'])).trim();
        expect(existsSync(`${backupDir}/wal/${missed}.gz`)).toBe(true);
        expect(existsSync(`${sshCopyDir}/wal/${missed}.gz`)).toBe(false);
        expect((await archiver()).failed).toBe(failedBefore);

        await ssh.start();
        await nextSecond();
        await script('backup', ['base']);
        expect(existsSync(`${sshCopyDir}/wal/${missed}.gz`)).toBe(true);
        expect((await restoreFromCopy(`${sshCopyDir}/base/${first}`, sshCopyDir)).has(lost)).toBe(true);
      } finally {
        await ssh.start();
      }
    }, 120_000);
  });
});
