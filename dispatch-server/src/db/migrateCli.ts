import { createPool } from './pool';
import { migrate } from './migrate';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set (eval "$(bash scripts/services.sh env)")');
  process.exit(2);
}
const db = createPool(url, 1);
try {
  const result = await migrate(db);
  console.log(JSON.stringify(result));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db.end();
}
