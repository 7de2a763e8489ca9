import { prepareTemplateDatabase } from '@dispatch/db/testDatabase';

/** Migrates one template database per migration set; every test file clones it (fast, isolated). */
export default async function setup() {
  await prepareTemplateDatabase();
}
