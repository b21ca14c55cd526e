// Lighthouse (the exact version pinned in package.json; mobile defaults: simulated slow 4G, a
// mid-range phone) on the teacher's home, course and exam pages of a fresh demo server, logged
// in as `teacher`. A benchmark, not a test: `npm run lighthouse` prints a JSON summary;
// LIGHTHOUSE_OUT=file writes it too (bench/lighthouse.py does, for `make bench`).
//
// The session is seeded the way a returning teacher's phone holds it: a refresh token from
// `POST /auth/login` put into localStorage before the first measured load, and kept across the
// loads (`disableStorageReset`). Each load is cold otherwise: no HTTP cache, no service worker,
// no Cache Storage, and sessionStorage (the access token) is per tab, so every page pays for
// its token refresh as a phone opening the app would.
import { readFileSync, writeFileSync } from 'node:fs';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { freePort, startApp } from '../tests/e2e/servers.mjs';

const VERSION = JSON.parse(readFileSync(new URL('../node_modules/lighthouse/package.json', import.meta.url), 'utf8')).version;
const PAGES = [
  ['home', '/'],
  ['course', '/courses/1'],
  ['exams', '/exams'],
];

const app = await startApp();
const port = await freePort();
const ctx = await chromium.launchPersistentContext(`${app.dir}/lighthouse-profile`, {
  executablePath: process.env.CHROME_PATH ?? process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new', '--disable-gpu', `--remote-debugging-port=${port}`],
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
});
const results = {};
let browserVersion = null;
try {
  const res = await fetch(`${app.api}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'teacher', password: 'demo1234' }),
  });
  if (!res.ok) throw new Error(`login: ${res.status} ${await res.text()}`);
  const { refresh_token: refresh } = await res.json();
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  // Any same-origin page will do to write the origin's storage; the 404 page is the smallest.
  await page.goto(`${app.base}/robots.txt`);
  await page.evaluate((token) => localStorage.setItem('qualify.refresh', token), refresh);
  const cdp = await ctx.newCDPSession(page);
  browserVersion = (await cdp.send('Browser.getVersion')).product;
  for (const [name, path] of PAGES) {
    await cdp.send('Storage.clearDataForOrigin', { origin: app.base, storageTypes: 'service_workers,cache_storage' });
    await cdp.send('Network.clearBrowserCache');
    const run = await lighthouse(`${app.base}${path}`, {
      port,
      output: 'json',
      logLevel: 'error',
      formFactor: 'mobile',
      disableStorageReset: true,
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
    });
    const lhr = run.lhr;
    if (new URL(lhr.finalDisplayedUrl).pathname !== path) throw new Error(`${path} ended on ${lhr.finalDisplayedUrl} (not logged in?)`);
    if (lhr.runtimeError) throw new Error(`${path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const score = (c) => Math.round((lhr.categories[c].score ?? 0) * 100);
    results[name] = {
      path,
      performance: score('performance'),
      accessibility: score('accessibility'),
      bestPractices: score('best-practices'),
      fcpMs: Math.round(lhr.audits['first-contentful-paint'].numericValue),
      lcpMs: Math.round(lhr.audits['largest-contentful-paint'].numericValue),
      tbtMs: Math.round(lhr.audits['total-blocking-time'].numericValue),
      cls: Number(lhr.audits['cumulative-layout-shift'].numericValue.toFixed(3)),
      transferKB: Math.round(lhr.audits['total-byte-weight'].numericValue / 1024),
      failedAccessibility: Object.values(lhr.audits)
        .filter((a) => a.score === 0 && lhr.categories.accessibility.auditRefs.some((r) => r.id === a.id))
        .map((a) => a.id),
    };
    console.error(`lighthouse ${name}: performance ${results[name].performance}, accessibility ${results[name].accessibility}`);
  }
} finally {
  await ctx.close();
  await app.stop();
}
const out = JSON.stringify({ lighthouse: VERSION, chromium: browserVersion, formFactor: 'mobile', results }, null, 2);
console.log(out);
if (process.env.LIGHTHOUSE_OUT) writeFileSync(process.env.LIGHTHOUSE_OUT, `${out}\n`);
