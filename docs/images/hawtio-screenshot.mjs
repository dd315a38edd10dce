// Takes docs/images/hawtio-route-diagram.png: logs in to the console on the admin plane and opens the route
// diagram of api.http. Needs Debian's chromium and playwright-core (npm install playwright-core, outside the repo):
//   CARAVAN_ADMIN=http://127.0.0.1:8081 CARAVAN_ADMIN_KEY=... node docs/images/hawtio-screenshot.mjs out.png
import { chromium } from 'playwright-core';

const admin = process.env.CARAVAN_ADMIN || 'http://127.0.0.1:8081';
const out = process.argv[2] || 'hawtio-route-diagram.png';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await page.goto(`${admin}/hawtio/`, { waitUntil: 'networkidle' });
await page.fill('#pf-login-username-id', 'admin');
await page.fill('#pf-login-password-id', process.env.CARAVAN_ADMIN_KEY);
await page.click('button[type="submit"]');
await page.waitForTimeout(4000);
await page.getByText('api.http', { exact: true }).first().click();
await page.waitForTimeout(2500);
await page.getByText('Route Diagram', { exact: true }).first().click();
await page.waitForTimeout(4000);
await page.screenshot({ path: out });
await browser.close();
