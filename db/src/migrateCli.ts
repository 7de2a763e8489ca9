import { poolFromEnv } from './pool';
import { migrate } from './migrate';

const db = poolFromEnv();
try {
  const result = await migrate(db);
  console.log(JSON.stringify(result));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db.end();
}
