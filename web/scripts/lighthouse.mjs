// Lighthouse 12.2.3 (mobile defaults: simulated slow 4G, mid-range phone) on the teacher's home,
// course and exam pages of a fresh demo server, logged in as `teacher`. A benchmark, not a test:
// `npm run lighthouse` (prints a JSON summary; LIGHTHOUSE_OUT=file writes it too). Lighthouse is
// installed on first use into node_modules/.cache/lighthouse, outside the lockfile, since
// only benchmarks need it.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort, startApp } from '../tests/e2e/servers.mjs';

const dir = join(import.meta.dirname, '../node_modules/.cache/lighthouse');
const entry = join(dir, 'node_modules/lighthouse/core/index.js');
if (!existsSync(entry)) {
  execFileSync('npm', ['i', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '-E', 'lighthouse@12.2.3'], { stdio: 'inherit' });
}
const { default: lighthouse } = await import(pathToFileURL(entry).href);

const app = await startApp();
const port = await freePort();
const profile = join(app.dir, 'lighthouse-profile');
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new', '--disable-gpu', `--remote-debugging-port=${port}`],
  locale: 'zh-CN',
});
const results = {};
try {
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  await page.goto(`${app.base}/login`);
  await page.getByLabel('用户名 / 工号 / 手机号').fill('teacher');
  await page.getByLabel('密码').fill('demo1234');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((u) => u.pathname === '/');
  // Keep the login across Lighthouse's page loads (the refresh token is in localStorage) but
  // measure a cold load: no HTTP cache, no service worker, no Cache Storage.
  const cdp = await ctx.newCDPSession(page);
  for (const [name, path] of [['home', '/'], ['course', '/courses/1'], ['exams', '/exams']]) {
    await cdp.send('Storage.clearDataForOrigin', { origin: app.base, storageTypes: 'service_workers,cache_storage' });
    await cdp.send('Network.clearBrowserCache');
    const run = await lighthouse(`${app.base}${path}`, {
      port,
      output: 'json',
      logLevel: 'error',
      disableStorageReset: true,
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
    });
    const lhr = run.lhr;
    results[name] = {
      path,
      performance: Math.round(lhr.categories.performance.score * 100),
      accessibility: Math.round(lhr.categories.accessibility.score * 100),
      bestPractices: Math.round(lhr.categories['best-practices'].score * 100),
      fcpMs: Math.round(lhr.audits['first-contentful-paint'].numericValue),
      lcpMs: Math.round(lhr.audits['largest-contentful-paint'].numericValue),
      tbtMs: Math.round(lhr.audits['total-blocking-time'].numericValue),
      cls: Number(lhr.audits['cumulative-layout-shift'].numericValue.toFixed(3)),
      transferKB: Math.round(lhr.audits['total-byte-weight'].numericValue / 1024),
      finalUrl: lhr.finalDisplayedUrl,
    };
  }
} finally {
  await ctx.close();
  await app.stop();
}
const out = JSON.stringify({ lighthouse: '12.2.3', results }, null, 2);
console.log(out);
if (process.env.LIGHTHOUSE_OUT) writeFileSync(process.env.LIGHTHOUSE_OUT, `${out}\n`);
