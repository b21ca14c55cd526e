// The staff desk's session changes and account, title and staffing work, at a laptop's size: a
// trainer edits a session (a refused time named in place, then saved) and cancels another with a
// reason its registrant is told; an admin finds teachers, records what else one teaches, disables
// and enables an account, resets a password that the next login must replace (through the login
// page), grants titles from the list and revokes one, sees them counted against the plan's
// targets, draws up a commendation list from them and exports it (read back), appoints an MH
// research officer, and the dashboard shows the titles, the offices without an officer and the
// full-time MH teachers who teach another subject, as GET /reports/staffing says. axe on every page.
import { DESKTOP, openPage, uiLogin } from './desk.mjs';

const future = (minutes) => new Date(Date.now() + minutes * 60_000).toISOString();

export async function staffAdmin({ app, browser, check, axe, assert, api, login, streamText, failures }) {
  const open = (options) => openPage(browser, app, failures, options);
  const trainer = await login(app, 'trainer');
  const admin = await login(app, 'admin');
  const session = (title) => api(app, trainer, 'POST', '/sessions', {
    title, place: '州教育局报告厅', starts_at: future(24 * 60), ends_at: future(24 * 60 + 120), hours: '2', capacity: 30,
  });
  const edited = await session('场次编辑演练（测试）');
  const cancelled = await session('场次取消演练（测试）');
  await api(app, await login(app, 'ES00010'), 'POST', `/sessions/${cancelled.id}/registrations`, {});

  await check('trainer: a session edited (a refused time named in place), another cancelled with a reason its registrant is told', async () => {
    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'trainer');
    await page.goto(`/desk/sessions/${edited.id}`);
    await page.getByRole('button', { name: '编辑场次' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('地点').fill('州教育局五楼会议室');
    const start = await dialog.getByLabel('开始时间').inputValue();
    await dialog.getByLabel('结束时间').fill(start);
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.getByRole('alert').filter({ hasText: '结束时间：' }).waitFor();
    await axe(page, 'session edit dialog');
    await dialog.getByLabel('结束时间').fill(`${start.slice(0, 11)}23:00`);
    await dialog.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '场次已更新' }).waitFor();
    await page.getByText('州教育局五楼会议室').waitFor();
    const saved = await api(app, trainer, 'GET', `/sessions/${edited.id}`);
    assert(saved.place === '州教育局五楼会议室', `place after the edit: ${saved.place}`);

    await page.goto(`/desk/sessions/${cancelled.id}`);
    await page.getByRole('button', { name: '取消场次' }).click();
    await dialog.getByText('报名的 1 位教师将收到通知').waitFor();
    await dialog.getByLabel(/取消原因/).fill('暴雨红色预警，培训改期');
    await dialog.getByRole('button', { name: '取消场次' }).click();
    await page.getByTestId('session-status').filter({ hasText: '已取消' }).waitFor();
    await page.getByTestId('cancellation').filter({ hasText: '暴雨红色预警，培训改期' }).waitFor();
    await axe(page, 'cancelled session');
    await ctx.close();

    const told = await api(app, await login(app, 'ES00010'), 'GET', '/me/notifications');
    const mail = told.items.find((n) => n.template === 'occasion_cancelled');
    assert(mail?.path === `/sessions/${cancelled.id}`, `the registrant's notification: ${JSON.stringify(mail)}`);
  });

  let temporary = '';
  await check('admin: teacher list — 兼任学科 recorded, an account disabled and enabled, a password reset the next login replaces', async () => {
    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'admin');
    await page.goto('/desk/teachers');
    await page.getByTestId('teachers').waitFor();
    await axe(page, 'teachers');
    const search = async (no) => {
      await page.getByLabel('姓名、工号或手机号').fill(no);
      await page.getByRole('button', { name: '搜索' }).click();
      await page.locator(`tr[data-employee="${no}"]`).waitFor();
      return page.locator(`tr[data-employee="${no}"]`);
    };
    const dialog = page.getByRole('dialog');

    let row = await search('ES00016');
    await row.getByRole('button', { name: '编辑' }).click();
    await dialog.getByLabel('兼任学科').fill('语文');
    await dialog.getByRole('button', { name: '保存' }).click();
    await row.getByRole('cell', { name: '语文', exact: true }).waitFor();

    row = await search('ES00012');
    await row.getByRole('button', { name: '停用账号' }).click();
    await dialog.getByText('停用后该账号不能登录').waitFor();
    await axe(page, 'disable dialog');
    await dialog.getByRole('button', { name: '停用账号' }).click();
    await row.getByText('已停用').waitFor();
    const refused = await fetch(`${app.api}/api/v1/auth/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'ES00012', password: 'demo1234' }),
    });
    assert(refused.status === 401, `a disabled account logs in: ${refused.status}`);
    await row.getByRole('button', { name: '启用账号' }).click();
    await dialog.getByRole('button', { name: '启用账号' }).click();
    await row.getByText('启用', { exact: true }).waitFor();

    await row.getByRole('button', { name: '重置密码' }).click();
    await dialog.getByText('仅显示这一次').waitFor();
    await dialog.getByRole('button', { name: '重置密码' }).click();
    temporary = (await dialog.getByTestId('temporary-password').innerText()).trim();
    assert(/^[A-Za-z0-9]{10}$/.test(temporary), `temporary password: ${temporary}`);
    await axe(page, 'reset dialog');
    await dialog.getByRole('button', { name: '确定' }).click();
    await ctx.close();

    const fresh = await open(DESKTOP);
    await fresh.page.goto('/login');
    await fresh.page.getByLabel('用户名 / 工号 / 手机号').fill('ES00012');
    await fresh.page.getByLabel('密码', { exact: true }).fill(temporary);
    await fresh.page.getByRole('button', { name: '登录' }).click();
    await fresh.page.getByRole('alert').filter({ hasText: '管理员已重置您的密码' }).waitFor();
    await axe(fresh.page, 'login: set a new password');
    await fresh.page.getByLabel('新密码', { exact: true }).fill('Chosen-2026');
    await fresh.page.getByLabel('再次输入新密码').fill('Chosen-2026');
    await fresh.page.getByRole('button', { name: '设置新密码并登录' }).click();
    await fresh.page.waitForURL((u) => u.pathname === '/');
    await fresh.ctx.close();
    await api(app, null, 'POST', '/auth/login', { username: 'ES00012', password: 'Chosen-2026' });
  });

  await check('admin: titles granted from the list count against the targets, one revoked; a commendation list drawn from them exports', async () => {
    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'admin');
    await page.goto('/desk/teachers');
    await page.getByLabel('姓名、工号或手机号').fill('ES00017');
    await page.getByRole('button', { name: '搜索' }).click();
    const row = page.locator('tr[data-employee="ES00017"]');
    await row.getByRole('button', { name: '授予称号' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('称号').selectOption({ label: '州级心理健康教育名师' });
    await dialog.getByLabel('授予理由').fill('州级优质课一等奖，主持名师工作室');
    await dialog.getByRole('button', { name: '授予称号' }).click();
    await page.getByTestId('teachers-note').filter({ hasText: '州级心理健康教育名师' }).waitFor();
    const key = (await api(app, admin, 'GET', '/teachers?q=ES00016')).items[0];
    await api(app, admin, 'POST', `/teachers/${key.id}/titles`, { kind: 'county_key_teacher', granted_on: new Date().toISOString().slice(0, 10), reason: '县级骨干教师评选' });

    await page.goto('/desk/titles');
    await page.getByTestId('target-prefecture_mh_master').filter({ hasText: '现有 1 人' }).filter({ hasText: '未达目标' }).waitFor();
    await page.getByTestId('titles').getByRole('cell', { name: 'ES00017' }).waitFor();
    await axe(page, 'titles');
    await page.getByTestId('titles').getByRole('row', { name: /ES00016/ }).getByRole('button', { name: '撤销' }).click();
    await dialog.getByLabel('撤销原因').fill('调离心理健康教育岗位');
    await dialog.getByRole('button', { name: '撤销' }).click();
    await page.getByRole('status').filter({ hasText: '已撤销' }).waitFor();
    const report = await api(app, admin, 'GET', '/reports/titles');
    const held = Object.fromEntries(report.summary.targets.map((x) => [x.kind, x.held]));
    assert(held.prefecture_mh_master === 1 && held.county_key_teacher === 0, `held: ${JSON.stringify(held)}`);

    await page.goto('/desk/commendations');
    await page.getByLabel('名单名称').fill('心理健康教育先进个人（测试）');
    await page.getByRole('button', { name: '添加教师' }).click();
    await page.getByLabel('工号').fill('ES00010');
    await page.getByLabel('表扬事由').fill('承担州级心理健康教育公开课');
    await axe(page, 'commendations');
    await page.getByRole('button', { name: '生成名单' }).click();
    await page.getByRole('status').filter({ hasText: '共 2 人' }).waitFor();
    const table = page.getByTestId('commendation');
    await table.getByRole('cell', { name: 'ES00010' }).waitFor();
    await table.getByRole('cell', { name: /获评州级心理健康教育名师/ }).waitFor();
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()]);
    assert(file.suggestedFilename() === '通报表扬先进个人-心理健康教育先进个人（测试）.csv', `file name: ${file.suggestedFilename()}`);
    const rows = (await streamText(await file.createReadStream())).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    assert(rows[0] === '序号,姓名,工号,学校,县市,表扬事由', `header: ${rows[0]}`);
    assert(rows.length === 3 && rows[1].includes('ES00010') && rows[2].includes('ES00017'), `rows: ${rows.join(' | ')}`);
    await ctx.close();
  });

  await check('admin: an MH research officer appointed; the dashboard shows titles, offices without an officer and other subjects as the report says', async () => {
    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'admin');
    await page.goto('/desk/teachers');
    await page.getByLabel('姓名、工号或手机号').fill('ES00016');
    await page.getByRole('button', { name: '搜索' }).click();
    await page.locator('tr[data-employee="ES00016"]').getByRole('button', { name: '任命教研员' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('教研机构').selectOption({ label: '恩施市教研机构' });
    await dialog.getByRole('button', { name: '任命教研员' }).click();
    await page.getByTestId('teachers-note').filter({ hasText: '恩施市心理健康教育教研员' }).waitFor();

    const staffing = await api(app, admin, 'GET', '/reports/staffing');
    const lacking = staffing.summary.offices_lacking_officer;
    assert(lacking === staffing.offices.length - 1, `offices lacking: ${lacking} of ${staffing.offices.length}`);
    await page.goto('/desk/dashboard');
    await page.getByTestId('offices-lacking').filter({ hasText: `${lacking} 个教研机构未配备` }).waitFor();
    const ess = staffing.offices.find((o) => o.org_unit_name === '恩施市');
    await page.getByTestId('offices').locator(`tr[data-unit="${ess.org_unit_id}"]`).filter({ hasText: ess.officers[0] }).waitFor();
    await page.getByTestId('other-subject').getByRole('row', { name: /ES00016.*语文/ }).waitFor();
    const others = await page.getByTestId('other-subject').locator('tbody tr').count();
    assert(others === staffing.teaching_other_subject.length, `other-subject rows ${others}, report ${staffing.teaching_other_subject.length}`);
    await page.getByTestId('target-prefecture_mh_master').filter({ hasText: '现有 1 人' }).waitFor();
    await axe(page, 'dashboard with plan cards');
    await ctx.close();
  });
}
