// Teaching-research events (教研活动) on the staff desk at a laptop's size, through the same
// occasion pages as sessions: a trainer creates an event (a level that does not fit the chosen
// unit is refused and named in place), edits it, a teacher's phone registers and signs in through
// the projector's QR URL while the count moves, the roster shows the minutes present, a second
// registrant is marked present by hand with a reason, the event is closed early (force and a
// reason) and the marked teacher is credited; another event is cancelled with a reason its
// registrant is told, and the list filters by status. An admin removes an MH research officer.
// axe on every page.
import { DESKTOP, PHONE, openPage, signInOnPhone, uiLogin } from './desk.mjs';

const minutesFromNow = (m) => new Date(Date.now() + m * 60_000);
/** A `datetime-local` value in Beijing time, as the desk's inputs take it. */
function chinaInput(date) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(date).map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

export async function staffEvents({ app, browser, check, axe, assert, api, login, failures }) {
  const open = (options) => openPage(browser, app, failures, options);
  const trainer = await login(app, 'trainer');
  const admin = await login(app, 'admin');
  const teacher = await login(app, 'teacher');
  const other = await login(app, 'ES00010');
  const title = '州级心理健康教育大教研（测试）';
  let event;

  await check('trainer: a research event created (a level that does not fit its unit named in place) and edited', async () => {
    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'trainer');
    await page.getByRole('navigation', { name: '工作台导航' }).getByRole('link', { name: '教研活动' }).click();
    await page.waitForURL(/\/desk\/research-events$/);
    await page.getByTestId('occasions').waitFor();
    await axe(page, 'desk research events');
    await page.getByRole('button', { name: '新建活动' }).click();
    await page.getByLabel('名称').fill(title);
    await page.getByLabel('地点').fill('州教育局报告厅');
    await page.getByLabel('开始时间').fill(chinaInput(minutesFromNow(-5)));
    await page.getByLabel('结束时间').fill(chinaInput(minutesFromNow(60)));
    await page.getByLabel('学时', { exact: true }).fill('3');
    await page.getByLabel('名额').fill('40');
    await page.getByLabel('形式').selectOption({ label: '大教研' });
    await page.getByLabel('计学时的到场比例（%）').fill('75');
    await page.getByLabel('专职心理教师').check();
    await page.getByLabel('班主任').check();
    // A county as the organiser moves the level along; a prefecture level for it is refused.
    await page.getByLabel('主办单位').selectOption({ label: '恩施市' });
    assert((await page.getByLabel('级别').inputValue()) === 'county', 'the level did not follow the unit');
    await page.getByLabel('级别').selectOption({ label: '州级' });
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('alert').filter({ hasText: '级别：' }).waitFor();
    await axe(page, 'new research event form');
    await page.getByLabel('主办单位').selectOption({ label: '本单位' });
    assert((await page.getByLabel('级别').inputValue()) === 'prefecture', 'the level did not follow the own unit');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '活动已创建' }).waitFor();
    const link = page.getByTestId('occasions').getByRole('link', { name: title });
    await link.waitFor();
    const listed = await api(app, trainer, 'GET', '/research-events?per_page=100');
    event = listed.items.find((e) => e.title === title);
    assert(event?.form === 'collective' && event.level === 'prefecture' && event.min_presence_percent === 75 && event.hours === '3',
      `created: ${JSON.stringify(event)}`);
    assert(event.audience_roles.length === 2, `audience: ${event.audience_roles}`);

    await link.click();
    await page.waitForURL(new RegExp(`/desk/research-events/${event.id}$`));
    await page.getByRole('button', { name: '编辑活动' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('地点').fill('州教育局五楼会议室');
    await dialog.getByLabel('名额').fill('60');
    await axe(page, 'research event edit dialog');
    await dialog.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '活动已更新' }).waitFor();
    await page.getByText('州教育局五楼会议室').waitFor();
    const saved = await api(app, trainer, 'GET', `/research-events/${event.id}`);
    assert(saved.place === '州教育局五楼会议室' && saved.capacity === 60, `after the edit: ${saved.place}, ${saved.capacity}`);
    await ctx.close();
  });

  await check('a phone registers and signs in through the projector QR; the roster shows minutes; a hand mark; closed early', async () => {
    const phone = await open(PHONE);
    await uiLogin(phone.page, 'teacher', { landing: (u) => u.pathname === '/' });
    await phone.page.goto('/research-events');
    const card = phone.page.locator('section.card').filter({ hasText: title });
    await card.getByRole('button', { name: '报名' }).click();
    await card.getByRole('status').filter({ hasText: '已报名' }).waitFor();
    await api(app, other, 'POST', `/research-events/${event.id}/registrations`, {});

    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'trainer');
    await page.goto('/desk/research-events');
    await page.getByRole('row', { name: new RegExp(title) }).getByRole('link', { name: '投屏签到', exact: true }).click();
    await page.waitForURL(/\/projector$/);
    await page.getByTestId('qr').locator('svg').waitFor();
    await page.getByTestId('count').filter({ hasText: '已签到 0 / 2 人' }).waitFor();
    await page.getByText('在「教研活动」页输入签到码').waitFor();
    await axe(page, 'research event projector');
    const url = await page.getByTestId('qr').getAttribute('data-url');
    assert(url?.startsWith(`${app.base}/research-events/${event.id}/sign-in?code=`), `QR carries ${url}`);

    await signInOnPhone(phone, url);
    await page.getByTestId('count').filter({ hasText: '已签到 1 / 2 人' }).waitFor({ timeout: 15_000 });

    await page.getByRole('link', { name: '返回名单' }).click();
    const me = await api(app, teacher, 'GET', '/me');
    const signedIn = page.getByTestId('roster').locator(`tr[data-teacher="${me.person.id}"]`);
    await signedIn.getByRole('cell', { name: me.person.name, exact: true }).waitFor();
    await signedIn.getByText('已签到').waitFor();
    const roster = await api(app, trainer, 'GET', `/research-events/${event.id}/attendance`);
    const line = roster.lines.find((l) => l.teacher_id === me.person.id);
    assert(line.name === me.person.name, `the event's sheet names the teacher: ${JSON.stringify(line)}`);
    const minutes = (await signedIn.locator('[data-col="minutes"]').innerText()).trim();
    assert(minutes === `${line.attended_minutes} / ${line.minutes_required}`, `minutes shown ${minutes}, API ${JSON.stringify(line)}`);
    await axe(page, 'research event roster');

    const marked = (await api(app, other, 'GET', '/me')).person;
    const row = page.getByTestId('roster').locator(`tr[data-teacher="${marked.id}"]`);
    await row.getByRole('cell', { name: marked.name, exact: true }).waitFor();
    await row.getByRole('button', { name: '手工标记' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('考勤').selectOption({ label: '出勤' });
    await dialog.getByLabel('标记原因（必填）').fill('纸质签到表补录');
    await dialog.getByRole('button', { name: '确定' }).click();
    await page.getByRole('status').filter({ hasText: '已标记' }).waitFor();
    await row.getByText('纸质签到表补录').waitFor();

    await page.getByRole('button', { name: '结束活动并记学时' }).click();
    await dialog.getByText('活动尚未到结束时间').waitFor();
    await axe(page, 'close research event dialog');
    await dialog.getByLabel('提前结束原因').fill('端到端测试：教研提前结束');
    await dialog.getByRole('button', { name: '确定' }).click();
    await page.getByRole('status').filter({ hasText: '活动已结束' }).waitFor();
    await page.getByTestId('session-status').filter({ hasText: '已结束' }).waitFor();
    await row.getByRole('cell', { name: '3.0', exact: true }).waitFor();
    const [sheet] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出签到表' }).click()]);
    const chunks = [];
    for await (const chunk of await sheet.createReadStream()) chunks.push(chunk);
    const file = Buffer.concat(chunks);
    assert(sheet.suggestedFilename().endsWith('.xlsx') && file.subarray(0, 2).toString() === 'PK', `the event's sheet exports as XLSX: ${sheet.suggestedFilename()}, ${file.length} bytes`);
    const closed = await api(app, trainer, 'GET', `/research-events/${event.id}`);
    assert(closed.status === 'closed', `status after closing: ${closed.status}`);
    const credits = await api(app, other, 'GET', '/me/credits?category=research_event');
    assert(credits.items.some((c) => Number(c.hours) === 3), `the marked teacher's credits: ${JSON.stringify(credits.items)}`);
    await ctx.close();
  });

  await check('trainer: another event cancelled with a reason its registrant is told; the list filters by status', async () => {
    const cancelled = await api(app, trainer, 'POST', '/research-events', {
      title: '州级心理健康教育工作坊（测试）', form: 'workshop', level: 'prefecture', place: '州教育局报告厅',
      starts_at: minutesFromNow(24 * 60).toISOString(), ends_at: minutesFromNow(24 * 60 + 120).toISOString(), hours: '2', capacity: 30,
    });
    await api(app, other, 'POST', `/research-events/${cancelled.id}/registrations`, {});
    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'trainer');
    await page.goto(`/desk/research-events/${cancelled.id}`);
    await page.getByRole('button', { name: '取消活动' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('报名的 1 位教师将收到通知').waitFor();
    await dialog.getByLabel(/取消原因/).fill('暴雨红色预警，教研改期');
    await dialog.getByRole('button', { name: '取消活动' }).click();
    await page.getByTestId('session-status').filter({ hasText: '已取消' }).waitFor();
    await page.getByTestId('cancellation').filter({ hasText: '暴雨红色预警，教研改期' }).waitFor();
    await axe(page, 'cancelled research event');
    const told = await api(app, other, 'GET', '/me/notifications');
    const mail = told.items.find((n) => n.template === 'occasion_cancelled' && n.path?.startsWith('/research-events'));
    assert(mail, `the registrant's notifications: ${JSON.stringify(told.items.map((n) => [n.template, n.path]))}`);

    await page.goto('/desk/research-events');
    await page.getByLabel('状态').selectOption({ label: '已取消' });
    await page.getByRole('button', { name: '搜索' }).click();
    const table = page.getByTestId('occasions');
    await table.getByRole('link', { name: '州级心理健康教育工作坊（测试）' }).waitFor();
    await table.getByRole('link', { name: title }).waitFor({ state: 'detached' });
    await ctx.close();
  });

  await check('admin: an MH research officer removed from the teacher list (confirmed)', async () => {
    const officer = (await api(app, admin, 'GET', '/teachers?q=ES00018')).items[0];
    const county = (await api(app, admin, 'GET', '/org-units?kind=county&per_page=50')).items.find((u) => u.name === '恩施市');
    await api(app, admin, 'POST', `/org-units/${county.id}/research-officers`, { teacher_id: officer.id, appointed_on: new Date().toISOString().slice(0, 10) });
    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'admin');
    await page.goto('/desk/teachers');
    await page.getByLabel('姓名、工号或手机号').fill('ES00018');
    await page.getByRole('button', { name: '搜索' }).click();
    const row = page.locator('tr[data-employee="ES00018"]');
    await row.getByText('恩施市教研员').waitFor();
    await row.getByRole('button', { name: '免去教研员' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('操作人和时间记入审计日志').waitFor();
    await axe(page, 'remove officer dialog');
    await dialog.getByRole('button', { name: '免去教研员' }).click();
    await page.getByTestId('teachers-note').filter({ hasText: `已免去 ${officer.name} 的恩施市心理健康教育教研员职务` }).waitFor();
    await row.getByText('恩施市教研员').waitFor({ state: 'detached' });
    const left = await api(app, admin, 'GET', `/research-officers?org_unit=${county.id}`);
    assert(!left.items.some((x) => x.teacher_id === officer.id), `still an officer: ${JSON.stringify(left.items)}`);
    await ctx.close();
  });
}
