import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@dispatch/protocol';
import { startDemoServer } from '../support/demoServer';
import { chromiumSuite, hasChromium, logIn, newPage, screenshot } from './browser';
import { browserSuite } from './suite';

describe.skipIf(!hasChromium)(chromiumSuite('a console of another protocol version, in real Chromium'), () => {
  const suite = browserSuite(startDemoServer);

  // The page is today's build; the socket's handshake is rewritten on the wire to claim another version, as a
  // console left open across a server upgrade (or a rolled-back server) would send.
  for (const [claimed, lang, expected] of [
    [PROTOCOL_VERSION - 1, 'zh-CN', '调度系统已更新：请刷新本页（F5）载入新版本'],
    [PROTOCOL_VERSION + 1, 'en', 'The server is older than this program: call the system administrator'],
  ] as const) {
    it(`tells a dispatcher which side to update when the console speaks version ${claimed} (${lang})`, async () => {
      const page = await newPage(suite.browser, { width: 1280, height: 760, locale: lang, timeoutMs: 15_000 });
      let handshakes = 0;
      await page.routeWebSocket(/\/socket\.io\//, (ws) => {
        const upstream = ws.connectToServer();
        ws.onMessage((message) => {
          const text = String(message);
          // socket.io's CONNECT packet ("40" + auth) carries the version.
          if (text.startsWith('40')) handshakes++;
          upstream.send(text.startsWith('40') ? text.replace(`"protocolVersion":${PROTOCOL_VERSION}`, `"protocolVersion":${claimed}`) : message);
        });
      });
      await logIn(page, suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!);
      const banner = page.locator('[data-testid=version-banner]');
      await banner.waitFor();
      expect(await banner.textContent()).toBe(expected);
      await screenshot(page, `console-version-mismatch-${lang}`);
      // Retrying cannot help: the console waits for a reload instead of knocking again and again.
      const seen = handshakes;
      await page.waitForTimeout(3000);
      expect(handshakes).toBe(seen);
      await page.context().close();
    });
  }
});
