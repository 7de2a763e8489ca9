import { parseArgs } from 'node:util';
import { migrate, poolFromEnv } from '@dispatch/db';
import { answerFor } from '../http/errors';
import { createFirstAdmin } from './users';

const HELP = `npm run admin:create -- --username NAME [--display-name "Full name"]
  Creates an admin login with a one-time password, printed once; it must be changed at the first login.
  Needs DATABASE_URL (with the private services: eval "$(bash scripts/services.sh env)").`;

const { values } = parseArgs({
  options: { username: { type: 'string' }, 'display-name': { type: 'string' }, help: { type: 'boolean', default: false } },
  strict: true,
});
if (values.help || !values.username) {
  console.log(HELP);
  process.exit(values.help ? 0 : 2);
}
const db = poolFromEnv();
try {
  await migrate(db);
  const { user, temporaryPassword } = await createFirstAdmin(db, values.username, values['display-name'] ?? values.username);
  console.log(`Admin login "${user.username}" created.`);
  console.log(`One-time password: ${temporaryPassword}`);
  console.log('It is shown only now; a new password must be set at the first login.');
} catch (error) {
  // The same words a REST caller gets: "username: taken", the field named for bad input.
  console.error(`admin:create failed: ${answerFor(error).error}`);
  process.exitCode = 1;
} finally {
  await db.end();
}
