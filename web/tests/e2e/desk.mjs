// What the staff desk's browser journeys share: the viewports, a fresh context that reports page
// errors, and logging in through the login page.
export const DESKTOP = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

/** A new context and page on `browser` at the app, with downloads and a 15 s default wait. */
export async function openPage(browser, app, failures, options) {
  const ctx = await browser.newContext({ ...options, baseURL: app.base, serviceWorkers: 'block', acceptDownloads: true });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => failures.push(`staff page error: ${e.message}`));
  return { ctx, page };
}

/** Logs in through the login page; `landing` is where the role arrives. */
export async function uiLogin(page, username, { password = 'demo1234', landing = /\/desk\// } = {}) {
  await page.goto('/login');
  await page.getByLabel('用户名 / 工号 / 手机号').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(landing);
}

/** A phone opens a sign-in URL (the projector's QR), signs in and leaves; its context closes. */
export async function signInOnPhone(phone, url) {
  await phone.page.goto(url);
  await phone.page.getByRole('button', { name: '签到', exact: true }).click();
  await phone.page.getByRole('status').filter({ hasText: /已于 .* 签到/ }).waitFor();
  await phone.ctx.close();
}
