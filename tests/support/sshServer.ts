import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort, until } from './wait';

/**
 * "The other machine" of a backup copy over ssh: a real OpenSSH server on a loopback port, run by the test (as root,
 * with its own host key, authorised key and no PAM), and the ssh_config a client names it by (`Host` alias, port,
 * key, known_hosts). The client files are readable by `postgres`, which runs the archive command.
 */
export interface SshServer {
  /** The `Host` alias the client config names the server by (`<alias>:/path` is an rsync target). */
  readonly alias: string;
  /** The client's ssh_config (for `ssh -F`, BACKUP_SSH_CONFIG). */
  readonly clientConfig: string;
  /** The other machine goes away (the server stops) and comes back. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startSshServer(): Promise<SshServer> {
  const dir = `/var/tmp/dispatch120-sshd-${randomBytes(4).toString('hex')}`;
  mkdirSync(dir, { mode: 0o755 });
  const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'dispatch120-test', '-f', `${dir}/${file}`]);
  keygen('host_key');
  keygen('client_key');
  // ssh refuses a private key others can read; its owner is the archive command's user.
  const postgres = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
  chownSync(`${dir}/client_key`, Number(postgres), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()));
  chmodSync(`${dir}/client_key`, 0o600);
  writeFileSync(`${dir}/authorized_keys`, readFileSync(`${dir}/client_key.pub`));

  const port = await freePort();
  const alias = 'backup-machine';
  writeFileSync(
    `${dir}/sshd_config`,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${dir}/host_key`,
      `PidFile ${dir}/sshd.pid`,
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
    ].join('\n') + '\n',
  );
  // The server's key is known beforehand, as an administrator would record it: no first-use prompt.
  writeFileSync(`${dir}/known_hosts`, `[127.0.0.1]:${port} ${readFileSync(`${dir}/host_key.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
  const clientConfig = `${dir}/ssh_config`;
  writeFileSync(
    clientConfig,
    [
      `Host ${alias}`,
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      '  User root',
      `  IdentityFile ${dir}/client_key`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${dir}/known_hosts`,
      '  StrictHostKeyChecking yes',
    ].join('\n') + '\n',
  );

  // sshd's privilege separation folder, which a machine that never ran sshd lacks.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  let server: ChildProcess | null = null;
  const listening = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      }).on('error', () => resolve(false));
    });

  const ssh: SshServer = {
    alias,
    clientConfig,
    async start() {
      if (server && server.exitCode === null) return;
      server = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', `${dir}/sshd_config`], { stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      server.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
      await until(listening, `sshd on port ${port}: ${log}`);
    },
    async stop() {
      const running = server;
      server = null;
      if (!running || running.exitCode !== null) return;
      await new Promise((resolve) => running.once('exit', resolve).kill('SIGTERM'));
      await until(async () => !(await listening()), `sshd on port ${port} to stop`);
    },
    async close() {
      await ssh.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await ssh.start();
  return ssh;
}
