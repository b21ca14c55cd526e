// What every browser-test file shares: named steps that stop the run on failure, axe-core
// (serious or critical violations fail), API calls as a given user, and the closing summary.
import AxeBuilder from '@axe-core/playwright';

export const ARGS = ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'];
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', deviceScaleFactor: 2 };
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function harness(title) {
  const failures = [];
  const warnings = [];
  let step = '';
  const log = (msg) => console.log(`  ${msg}`);

  async function check(name, fn) {
    step = name;
    const t0 = Date.now();
    try {
      await fn();
      log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failures.push(`${name}: ${e.message}`);
      log(`FAIL ${name}: ${e.message.split('\n')[0]}`);
      throw e;
    }
  }

  async function axe(page, label, { warnOnly = false } = {}) {
    const result = await new AxeBuilder({ page }).analyze();
    for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
      const msg = `axe ${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`;
      (warnOnly ? warnings : failures).push(msg);
      log(`${warnOnly ? 'warn' : 'FAIL'} ${msg}`);
    }
  }

  /** Records the error of the step that threw, unless `check` already did. */
  function crashed(e) {
    if (!failures.some((f) => f.startsWith(`${step}:`))) failures.push(`${step}: ${e.message}`);
  }

  /** Prints warnings and failures; exits 1 on any failure. */
  function finish() {
    for (const w of warnings) console.log(`warning: ${w}`);
    if (failures.length) {
      console.error(`\n${title}: ${failures.length} failure(s)`);
      for (const f of failures) console.error(`  - ${f}`);
      process.exit(1);
    }
    console.log(`${title}: all passed`);
  }

  return { check, axe, log, crashed, finish, failures, warnings, step: () => step };
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

export async function api(app, token, method, path, body) {
  const res = await fetch(`${app.api}/api/v1${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export async function tokens(app, username) {
  return api(app, null, 'POST', '/auth/login', { username, password: 'demo1234' });
}

/** A phone context already logged in as `username`: its refresh token seeded into localStorage,
 *  as the app keeps it on a phone that logged in before. */
export async function loggedInPhone(browser, app, username, options = {}) {
  const { refresh_token: refresh } = await tokens(app, username);
  const context = await browser.newContext({ ...PHONE, baseURL: app.base, serviceWorkers: 'block', ...options });
  await context.addInitScript((token) => {
    if (!localStorage.getItem('qualify.refresh') && !sessionStorage.getItem('qualify.seeded')) {
      localStorage.setItem('qualify.refresh', token);
      sessionStorage.setItem('qualify.seeded', '1');
    }
  }, refresh);
  return context;
}

export function chinaToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}
