import pg from 'pg';

/**
 * The benchmarks' own database beside the one in `url` (`<name>_bench`), created when missing: the road networks
 * they import stay out of the development database and are reused by the next run.
 */
export async function ensureBenchDatabase(url: string): Promise<string> {
  const target = new URL(url);
  const name = `${target.pathname.slice(1) || 'dispatch'}_bench`;
  target.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return target.toString();
}
