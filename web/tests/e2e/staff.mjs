// The staff desk's journey at a laptop's size, on the same fresh server as the teacher's run
// (after it, so there is a certificate to verify): a trainer projects a session's sign-in QR and
// a teacher's phone signs in through its URL while the live count moves, then the trainer closes
// the session early (the forced-close dialog); HR searches credits, exports CSV (read back) and
// verifies a certificate by number; an admin imports a CSV with a bad row (highlighted), fixes
// it and imports; the dashboard's numbers match GET /reports/qualification; axe on every page.
import { DESKTOP, PHONE, openPage, signInOnPhone, uiLogin } from './desk.mjs';

export async function staffJourney({ app, browser, check, axe, assert, api, login, streamText, log, failures }) {
  const open = (options) => openPage(browser, app, failures, options);

  const trainer = await login(app, 'trainer');
  const teacherToken = await login(app, 'teacher');
  const now = Date.now();
  const session = await api(app, trainer, 'POST', '/sessions', {
    title: '投屏签到演练（测试）',
    place: '州教育局报告厅',
    starts_at: new Date(now - 5 * 60_000).toISOString(),
    ends_at: new Date(now + 60 * 60_000).toISOString(),
    hours: '1',
    capacity: 20,
  });
  await api(app, teacherToken, 'POST', `/sessions/${session.id}/registrations`, {});

  await check('trainer: projector QR, a phone signs in, the count moves; close early with a reason', async () => {
    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'trainer');
    await page.goto('/desk/sessions');
    await page.getByRole('cell', { name: /投屏签到演练/ }).waitFor();
    await axe(page, 'desk sessions');
    await page.getByRole('row', { name: /投屏签到演练/ }).getByRole('link', { name: '投屏签到', exact: true }).click();
    await page.waitForURL(/\/projector$/);
    await page.getByTestId('qr').locator('svg').waitFor();
    await page.getByTestId('count').filter({ hasText: '已签到 0 / 1 人' }).waitFor();
    await axe(page, 'projector');
    const url = await page.getByTestId('qr').getAttribute('data-url');
    assert(url && url.includes(`/sessions/${session.id}/sign-in?code=`), `QR carries ${url}`);

    const phone = await open(PHONE);
    await phone.page.goto('/login');
    await phone.page.getByLabel('用户名 / 工号 / 手机号').fill('teacher');
    await phone.page.getByLabel('密码').fill('demo1234');
    await phone.page.getByRole('button', { name: '登录' }).click();
    await phone.page.waitForURL((u) => u.pathname === '/');
    await signInOnPhone(phone, url);

    await page.getByTestId('count').filter({ hasText: '已签到 1 / 1 人' }).waitFor({ timeout: 15_000 });
    await page.getByRole('link', { name: '返回名单' }).click();
    await page.getByTestId('roster').getByText('已签到').waitFor();
    await axe(page, 'roster');
    await page.getByRole('button', { name: '结束场次并记学时' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('提前结束须填写原因').waitFor();
    await dialog.getByLabel('提前结束原因').fill('端到端测试：讲座提前结束');
    await dialog.getByRole('button', { name: '确定' }).click();
    await page.getByRole('status').filter({ hasText: '场次已结束' }).waitFor();
    await ctx.close();
  });

  const hr = await login(app, 'hr');
  await check('HR: search credits, export CSV (read back), verify a certificate by number', async () => {
    const me = await api(app, teacherToken, 'GET', '/me');
    const employeeNo = me.person.employee_no;
    const certs = await api(app, hr, 'GET', `/certificates?teacher_id=${me.person.id}`);
    assert(certs.items.length > 0, 'the teacher journey left no certificate to verify');
    const number = certs.items[0].number;
    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'hr');
    await page.goto('/desk/credits');
    await page.getByTestId('credits-table').waitFor();
    await axe(page, 'credits');
    await page.getByLabel('姓名或工号').fill(employeeNo);
    await page.getByRole('button', { name: '搜索' }).click();
    await page.getByTestId('pager').filter({ hasText: '共 1 条' }).waitFor();
    await page.getByTestId('credits-table').getByRole('cell', { name: employeeNo }).waitFor();
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()]);
    const text = (await streamText(await csv.createReadStream())).replace(/^\uFEFF/, '');
    const lines = text.trim().split(/\r?\n/);
    assert(lines[0].includes('工号'), `CSV header: ${lines[0]}`);
    assert(lines.length === 2 && lines[1].includes(employeeNo), `CSV holds ${lines.length - 1} rows: ${text.slice(0, 200)}`);
    await page.getByRole('link', { name: me.person.name }).click();
    await page.getByTestId('chain').filter({ hasText: '校验通过' }).waitFor();
    await axe(page, 'teacher record');
    await page.goto('/desk/verify');
    await page.getByLabel('证书编号或核验码').fill(number.toLowerCase());
    await page.getByRole('button', { name: '按证书编号查' }).click();
    await page.getByTestId('verdict').getByRole('heading', { name: '证书有效' }).waitFor();
    await page.getByTestId('verdict').getByText(number).waitFor();
    await axe(page, 'verify');
    await page.getByLabel('证书编号或核验码').fill('ES-0000-C-NOPE');
    await page.getByRole('button', { name: '按证书编号查' }).click();
    await page.getByRole('alert').filter({ hasText: '查无此证书' }).waitFor();
    await ctx.close();
  });

  const admin = await login(app, 'admin');
  await check('admin: CSV with a bad row is highlighted, fixed, imported', async () => {
    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'admin');
    await page.goto('/desk/import');
    const good = 'ZZ90001,测试甲,13800009001,ES-ESS-001,mh_fulltime';
    const bad = 'ZZ90002,测试乙,13800009002,NO-SUCH-SCHOOL,mh_parttime';
    await page.getByLabel('默认初始密码').fill('Start2026!');
    await page.getByLabel('CSV 内容').fill(`employee_no,name,phone,school_code,roles\n${good}\n${bad}\n`);
    await page.getByRole('button', { name: '检查（不写入）' }).click();
    await page.getByTestId('import-errors').waitFor();
    const cell = page.locator('tr[data-line="3"] td.cell-bad[data-field="school_code"]');
    await cell.waitFor();
    assert((await page.locator('td.cell-bad').count()) === 1, 'more than the one bad cell highlighted');
    assert(await page.getByRole('button', { name: '正式导入' }).isDisabled(), 'import enabled after a failed check');
    await axe(page, 'import errors');
    await page.getByLabel('CSV 内容').fill(`employee_no,name,phone,school_code,roles\n${good}\n${bad.replace('NO-SUCH-SCHOOL', 'ES-ESS-002')}\n`);
    await page.getByRole('button', { name: '检查（不写入）' }).click();
    await page.getByTestId('import-clean').filter({ hasText: '2 行' }).waitFor();
    await page.getByRole('button', { name: '正式导入' }).click();
    await page.getByTestId('import-done').filter({ hasText: '新建 2 人' }).waitFor();
    const found = await api(app, admin, 'GET', '/teachers?q=ZZ9000');
    assert(found.total === 2, `imported teachers: ${found.total}`);
    await ctx.close();
  });

  await check('admin: the dashboard matches GET /reports/qualification; other staff pages pass axe', async () => {
    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'admin');
    await page.waitForURL(/\/desk\/dashboard/);
    await page.getByTestId('qualification-table').waitFor();
    await page.locator('.chart svg').first().waitFor();
    const report = await api(app, admin, 'GET', '/reports/qualification');
    const pct = (s) => `${Math.round(Number(s) * 1000) / 10}%`;
    for (const row of report.items) {
      const tr = page.locator(`tr[data-unit="${row.org_unit_id}"]`);
      const got = {
        c: (await tr.locator('[data-col="c_holders"]').innerText()).trim(),
        cs: (await tr.locator('[data-col="c_share"]').innerText()).trim(),
        b: (await tr.locator('[data-col="b_holders"]').innerText()).trim(),
        a: (await tr.locator('[data-col="a_holders"]').innerText()).trim(),
      };
      const want = { c: String(row.c_holders), cs: pct(row.c_share), b: String(row.b_holders_in_group), a: String(row.a_holders) };
      assert(JSON.stringify(got) === JSON.stringify(want), `${row.org_unit_name}: page ${JSON.stringify(got)}, API ${JSON.stringify(want)}`);
    }
    assert((await page.getByTestId('kpi-c').innerText()).includes(pct(report.summary.c_share)), 'summary C share differs');
    const withC = report.items.filter((r) => r.c_holders > 0).length;
    log(`     dashboard: ${report.items.length} counties checked, ${withC} with C holders`);
    await axe(page, 'dashboard');
    // Drill into the first county: its schools.
    const first = report.items[0];
    await page.getByRole('button', { name: `查看${first.org_unit_name}下属学校` }).click();
    const schools = await api(app, admin, 'GET', `/reports/qualification?org_unit=${first.org_unit_id}`);
    await page.locator(`tr[data-unit="${schools.items[0].org_unit_id}"]`).waitFor();
    for (const path of ['/desk/org', '/desk/rule-sets', '/desk/outbox', '/desk/audit', '/grading', '/desk/sessions']) {
      await page.goto(path);
      await page.locator('main table, main .card').first().waitFor();
      await page.waitForTimeout(300);
      await axe(page, path);
    }
    await ctx.close();
  });
}
