import type { ApiClient } from '@dispatch/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api';
import { loginAs } from '../support/server';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage, shotsIn } from './browser';
import { browserSuite, startCentresServer } from './suite';

const SHOTS = process.env.CENTRE_HELP_SHOTS_DIR ?? '/tmp/shots/centre-help';
const shot = shotsIn(SHOTS);

/** Issue 15: the neighbour's ambulance helping on a Jiexiu call is on the Jiexiu dispatcher's fleet board and map while its task is open. */
describe.skipIf(!hasChromium)(chromiumSuite('a helping vehicle on the helped centre’s desk, in real Chromium'), () => {
  const suite = browserSuite(startCentresServer);
  let dispatcher: ApiClient;

  beforeAll(async () => {
    dispatcher = apiClient(suite.server.baseUrl, await loginAs(suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!));
  });

  it('shows the Pingyao ambulance on the Jiexiu board and map while it helps, and takes it off when its task ends (zh-CN and English)', async () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const page = await newPage(suite.browser, { width: 1366, height: 900, locale, timeoutMs: 20_000 });
      const errors = collectErrors(page, suite.tileOrigin);
      await logIn(page, suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!);
      const board = page.locator('[data-testid=fleet-board]');
      await board.waitFor();
      expect(await board.innerText()).not.toContain('平遥');

      const place = (await dispatcher.call('searchPlaces', { query: { q: '中王庄' } })).find((p) => p.name.startsWith('中王庄'))!;
      const incident = await dispatcher.call('createIncident', { body: { location: { lon: place.lon, lat: place.lat }, category: 'chest_pain', priority: 1 } });
      const helper = (await dispatcher.call('getRecommendations', { params: { id: incident.id } })).crossCentre![0]!;
      const offer = await dispatcher.call('assignVehicle', {
        params: { id: incident.id }, body: { vehicleId: helper.vehicleId, crossCentreHelp: { reason: '本县车辆均距现场 20 分钟以上' } },
      });
      const row = board.locator(`[data-vehicle="${helper.callSign}"]`);
      await row.waitFor();
      expect(await row.innerText()).toContain(`#${incident.number}`);
      await page.click(`[data-incident="${incident.number}"]`);
      await row.scrollIntoViewIfNeeded();
      await shot(page, `${locale}-1-helper-on-board`);

      await dispatcher.call('cancelAssignment', { params: { id: offer.assignment.id }, body: { reason: '本县车辆已空出' } });
      await row.waitFor({ state: 'detached' });
      expect(await board.innerText()).not.toContain('平遥');
      await shot(page, `${locale}-2-help-ended`);
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 180_000);
});
