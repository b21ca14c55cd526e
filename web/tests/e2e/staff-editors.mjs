// The staff desk's editors and the grading round, at a laptop's size, after the teacher's run
// (so there is a certificate to verify): an admin edits a course's outline (a bad media URL is
// named where it was typed, lessons reordered), then changes a lesson in place once a teacher
// has enrolled; imports questions from a CSV with bad rows (highlighted, nothing written), fixes
// and imports them; composes a double-marked paper whose undrawable section is shown before
// saving. A teacher's phone sits that paper (an essay), two trainers mark it blind and far apart,
// a third grader settles it, the result is released and the teacher sees it. HR sorts and pages
// the credit search and exports exactly the list on screen; verifies a certificate from an
// uploaded QR image and from the laptop camera (a fake camera showing the QR). axe on every page.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import qrcode from 'qrcode-generator';
import { chromium } from 'playwright-core';
import { DESKTOP, PHONE, openPage, uiLogin } from './desk.mjs';

const BANK = '端到端阅卷题库';
const EXAM = '端到端：案例分析考试';
const COURSE = '端到端：课程编辑演练';
const ESSAY = '先倾听小林的感受，建立信任；再和他一起梳理压力来源，约定每周谈话并联系家长。';
const HEADER = 'type,stem,options,answer,points,tags,level,difficulty,explanation,rubric,partial_credit';
const QUESTIONS = [
  'single_choice,学生向你倾诉烦恼时首先应该？,A=耐心倾听|B=立刻批评|C=转移话题,A,10,沟通,b,2,先倾听,,',
  'single_choice,发现学生有自伤迹象时应？,A=立即上报并陪伴|B=替他保密,A,10,危机干预,b,3,,,',
  'essay,阅读案例：初二学生小林近一个月情绪低落、成绩下滑。请提出你的辅导思路。,,,10,案例,b,3,,建立关系:4|辅导方法:6,',
];
const KEYS = new Map([['学生向你倾诉烦恼时首先应该？', '耐心倾听'], ['发现学生有自伤迹象时应？', '立即上报并陪伴']]);

/** The QR of `text` as frames of a Y4M video, what Chromium's fake camera plays. */
function qrVideo(text, file) {
  const q = qrcode(0, 'M');
  q.addData(text);
  q.make();
  const [w, h, n] = [640, 480, q.getModuleCount()];
  const cell = Math.floor((h * 0.9) / (n + 8));
  const [ox, oy] = [Math.floor((w - cell * (n + 8)) / 2) + 4 * cell, Math.floor((h - cell * (n + 8)) / 2) + 4 * cell];
  const luma = Buffer.alloc(w * h, 255);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (!q.isDark(r, c)) continue;
      for (let y = 0; y < cell; y++) luma.fill(0, (oy + r * cell + y) * w + ox + c * cell, (oy + r * cell + y) * w + ox + (c + 1) * cell);
    }
  }
  const chroma = Buffer.alloc((w * h) / 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F5:1 Ip A1:1 C420jpeg\n`), ...Array(5).fill(frame)]));
}

/** The QR of `text` as a GIF picture, what someone sends in instead of the paper. */
function qrPicture(text) {
  const q = qrcode(0, 'M');
  q.addData(text);
  q.make();
  return Buffer.from(q.createDataURL(6, 4).split(',')[1], 'base64');
}

export async function staffEditors({ app, browser, launchArgs, check, axe, assert, api, login, streamText, log, failures }) {
  const open = (options) => openPage(browser, app, failures, options);
  const admin = await login(app, 'admin');
  const teacherToken = await login(app, 'teacher');
  const me = await api(app, teacherToken, 'GET', '/me');

  await check('admin: course outline edited, a bad media URL named in place; a lesson changed in place once enrolled', async () => {
    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'admin');
    await page.goto('/desk/courses');
    await page.getByRole('button', { name: '编辑：试用：两分钟体验课' }).waitFor();
    await axe(page, 'courses');
    await page.getByRole('button', { name: '新建课程' }).click();
    await page.getByLabel('名称', { exact: true }).fill(COURSE);
    await page.getByLabel('学时', { exact: true }).fill('1');
    const module1 = page.getByRole('group', { name: '第 1 单元', exact: true });
    await module1.getByLabel('单元名称').fill('第一单元 认识情绪');
    const first = page.getByRole('group', { name: '第 1 单元第 1 节' });
    await first.getByLabel('课节名称').fill('认识情绪');
    await first.getByLabel('时长（秒）').fill('60');
    await first.getByLabel(/媒体地址/).fill('ftp://media.example.cn/a.webm');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.getByTestId('course-errors').filter({ hasText: '有 1 处问题' }).waitFor();
    await first.locator('.field-error').filter({ hasText: '媒体地址须以 http://' }).waitFor();
    assert((await first.getByLabel(/媒体地址/).getAttribute('aria-invalid')) === 'true', 'the bad media field is not marked invalid');
    await axe(page, 'course editor with errors');
    await first.getByLabel(/媒体地址/).fill('/media/trial-1.webm');
    await page.getByRole('button', { name: '第 1 单元 添加课节' }).click();
    const second = page.getByRole('group', { name: '第 1 单元第 2 节' });
    await second.getByLabel('类型').selectOption({ label: '文档' });
    await second.getByLabel('课节名称').fill('阅读：情绪的识别');
    await second.getByLabel('时长（秒）').fill('120');
    await second.getByLabel('正文').fill('一、情绪没有对错。\n\n二、先接纳，再引导。');
    await page.getByRole('button', { name: '第 1 单元第 2 节 上移' }).click();
    await page.getByLabel('状态').selectOption({ label: '已发布' });
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.getByTestId('course-note').filter({ hasText: '课程已保存' }).waitFor();
    const course = (await api(app, admin, 'GET', `/courses?q=${encodeURIComponent(COURSE)}`)).items[0];
    const [doc, video] = course.modules[0].lessons;
    assert(course.status === 'published' && doc.kind === 'document' && doc.content.includes('先接纳'), `outline saved: ${JSON.stringify(course.modules)}`);
    assert(video.media_url === '/media/trial-1.webm', `media: ${video.media_url}`);

    // Once a teacher has enrolled, the outline is locked; a lesson still changes in place.
    await api(app, teacherToken, 'POST', `/courses/${course.id}/enrollments`, {});
    await page.reload();
    await page.getByRole('button', { name: `编辑：${COURSE}` }).click();
    await page.getByTestId('outline-locked').waitFor();
    const locked = page.getByRole('group', { name: '第 1 单元第 2 节' });
    assert(await locked.getByLabel('时长（秒）').isDisabled(), 'the duration of an enrolled course can still be edited');
    await locked.getByLabel('课节名称').fill('认识情绪（修订）');
    await locked.getByLabel(/媒体地址/).fill('https://media.example.cn/c1-1.webm');
    await axe(page, 'locked course editor');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.getByTestId('course-note').filter({ hasText: '课程已保存' }).waitFor();
    const after = await api(app, admin, 'GET', `/courses/${course.id}`);
    const changed = after.modules[0].lessons[1];
    assert(changed.id === video.id && changed.title === '认识情绪（修订）' && changed.media_url === 'https://media.example.cn/c1-1.webm', `lesson in place: ${JSON.stringify(changed)}`);
    await ctx.close();
  });

  let bankId;
  await check('admin: question CSV with bad rows highlighted and nothing imported, then fixed and imported', async () => {
    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'admin');
    await page.goto('/desk/banks');
    await page.getByTestId('questions-table').waitFor();
    await page.getByLabel('题库名称').fill(BANK);
    await page.getByRole('button', { name: '新建题库' }).click();
    await page.getByRole('heading', { name: `${BANK} · 题目` }).waitFor();
    bankId = (await api(app, admin, 'GET', '/question-banks?per_page=200')).items.find((b) => b.name === BANK).id;
    const bad = [QUESTIONS[0], QUESTIONS[1].replace('single_choice', 'single'), QUESTIONS[2].replace('建立关系:4', '建立关系4')];
    await page.getByLabel('CSV 内容（可直接修改）').fill(`${HEADER}\n${bad.join('\n')}\n`);
    await page.getByRole('button', { name: '导入', exact: true }).click();
    await page.getByTestId('import-errors').filter({ hasText: '有 2 处问题' }).waitFor();
    await page.locator('tr[data-line="3"] td.cell-bad[data-field="type"]').waitFor();
    await page.locator('tr[data-line="4"] td.cell-bad[data-field="rubric"]').waitFor();
    assert((await page.locator('td.cell-bad').count()) === 2, 'other cells highlighted too');
    assert((await api(app, admin, 'GET', `/question-banks/${bankId}/questions`)).total === 0, 'a refused file wrote questions');
    await axe(page, 'question import errors');
    await page.getByLabel('CSV 内容（可直接修改）').fill(`${HEADER}\n${QUESTIONS.join('\n')}\n`);
    await page.getByRole('button', { name: '导入', exact: true }).click();
    await page.getByTestId('bank-note').filter({ hasText: '新增 3 题' }).waitFor();
    await page.getByTestId('questions-table').getByText('人工阅卷').waitFor();
    assert((await page.getByTestId('questions-table').locator('tbody tr').count()) === 3, 'the bank does not list 3 questions');
    await axe(page, 'bank');
    await ctx.close();
  });

  let exam;
  await check('admin: a paper shows each section drawable or not before saving, then saves', async () => {
    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'admin');
    await page.goto('/desk/exams');
    await page.getByTestId('exams-table').getByRole('cell', { name: /C 级/ }).first().waitFor();
    await page.getByRole('button', { name: '新建试卷' }).click();
    await page.getByLabel('试卷名称').fill(EXAM);
    await page.getByLabel('等级').selectOption({ label: 'B 级' });
    await page.getByLabel('考试时长（分钟）').fill('30');
    await page.getByLabel('及格分').fill('18');
    await page.getByLabel('可考次数').fill('1');
    await page.getByLabel('成绩发布').selectOption({ label: '阅卷后由培训师发布' });
    await page.getByLabel('主观题双评').check();
    const pickOnly = async (section) => {
      const banks = section.getByRole('group', { name: '从题库抽题' });
      for (const box of await banks.getByRole('checkbox').all()) await box.uncheck();
      await banks.getByLabel(BANK).check();
    };
    const one = page.getByRole('group', { name: '第 1 部分', exact: true });
    await one.getByLabel('部分名称').fill('一、单项选择题');
    await one.getByLabel('题型（留空不限）').selectOption({ label: '单选' });
    await one.getByLabel('抽题数').fill('3');
    await one.getByLabel('每题分值').fill('10');
    await pickOnly(one);
    await one.getByTestId('section-check').filter({ hasText: '只有 2 题' }).waitFor();
    assert(await page.getByRole('button', { name: '保存', exact: true }).isDisabled(), 'an undrawable paper can be saved');
    await axe(page, 'paper editor, undrawable section');
    await one.getByLabel('抽题数').fill('2');
    await one.getByTestId('section-check').filter({ hasText: '符合条件 2 题，抽 2 题' }).waitFor();
    await page.getByRole('button', { name: '添加部分' }).click();
    const two = page.getByRole('group', { name: '第 2 部分', exact: true });
    await two.getByLabel('部分名称').fill('二、案例分析');
    await two.getByLabel('题型（留空不限）').selectOption({ label: '论述' });
    await two.getByLabel('抽题数').fill('1');
    await two.getByLabel('每题分值').fill('10');
    await pickOnly(two);
    await two.getByTestId('section-check').filter({ hasText: '其中 1 题人工阅卷' }).waitFor();
    await one.getByTestId('section-check').filter({ hasText: '可以抽题' }).waitFor();
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.getByTestId('exam-note').filter({ hasText: '试卷已保存' }).waitFor();
    await page.getByTestId('exams-table').getByRole('cell', { name: EXAM, exact: true }).waitFor();
    await axe(page, 'exams');
    exam = (await api(app, admin, 'GET', '/exams?per_page=200')).items.find((e) => e.title === EXAM);
    assert(exam && exam.total_points === '30' && exam.double_marking && exam.release_mode === 'after_grading', `saved paper: ${JSON.stringify(exam)}`);
    await ctx.close();
  });

  await check('grading: a teacher sits the essay; blind double marking, a third grader, release; the teacher sees the result', async () => {
    await api(app, admin, 'POST', '/accounts', { username: 'grader2', password: 'Grader-2026', role: 'trainer', org_unit_id: 1 });
    const phone = await open(PHONE);
    await uiLogin(phone.page, 'teacher', { landing: (u) => u.pathname === '/' });
    await phone.page.goto('/exams');
    await phone.page.getByRole('heading', { name: EXAM }).locator('..').getByRole('button', { name: '开始考试' }).click();
    await phone.page.waitForURL(/\/attempts\/\d+/);
    const attemptUrl = phone.page.url();
    const items = phone.page.locator('ol.qs > li');
    await items.nth(2).waitFor();
    for (let i = 0; i < (await items.count()); i++) {
      const item = items.nth(i);
      const stem = (await item.locator('.stem').innerText()).trim();
      if (KEYS.has(stem)) await item.locator('label.opt', { hasText: KEYS.get(stem) }).click();
      else await item.locator('textarea').fill(ESSAY);
    }
    await phone.page.locator('textarea').blur();
    await phone.page.getByTestId('save-state').filter({ hasText: '已保存' }).waitFor();
    await phone.page.getByRole('button', { name: '交卷' }).click();
    await phone.page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
    await phone.page.getByRole('heading', { name: '阅卷中' }).waitFor();

    const grade = async (page, round, [a, b], comment) => {
      await page.locator(`tr[data-round="${round}"]`).getByRole('button', { name: /^领取/ }).click();
      const form = page.getByTestId('grading-form');
      await form.getByTestId('answer').filter({ hasText: ESSAY }).waitFor();
      await form.getByLabel('建立关系（0–4 分）').fill(String(a));
      await form.getByLabel('辅导方法（0–6 分）').fill(String(b));
      await form.getByLabel('评语').fill(comment);
      await form.getByTestId('total').filter({ hasText: `合计 ${a + b} / 10` }).waitFor();
      await form.getByRole('button', { name: '提交并阅下一份' }).click();
      await page.getByTestId('grading-note').filter({ hasText: '暂无可领取的任务' }).waitFor();
    };
    const showAll = (page) => page.getByLabel('显示', { exact: true }).selectOption({ label: '全部' });
    const desk = async (username, { password, all = true } = {}) => {
      const opened = await open(DESKTOP);
      await uiLogin(opened.page, username, password ? { password } : undefined);
      await opened.page.goto('/grading');
      await opened.page.getByLabel('考试', { exact: true }).selectOption({ label: EXAM });
      if (all) await showAll(opened.page);
      return opened;
    };

    // The first trainer: both rounds of one answer are queued; a score above a criterion's
    // bound is refused in place; after scoring, the other round is for someone else.
    const first = await desk('trainer', { all: false });
    await first.page.locator('tr[data-round="2"]').filter({ hasText: '第 1 评待领取 · 第 2 评待领取' }).waitFor();
    await first.page.locator('tr[data-round="1"]').getByRole('button', { name: /^领取/ }).click();
    const form = first.page.getByTestId('grading-form');
    await form.getByTestId('answer').filter({ hasText: ESSAY }).waitFor();
    const main = await first.page.locator('main').innerText();
    assert(!main.includes(me.person.name) && !main.includes(me.person.employee_no), 'the grader sees who wrote the answer');
    await form.getByLabel('建立关系（0–4 分）').fill('5');
    await form.getByLabel('辅导方法（0–6 分）').fill('5');
    await form.getByRole('button', { name: '提交并阅下一份' }).click();
    assert(await form.getByLabel('建立关系（0–4 分）').evaluate((el) => el.validity.rangeOverflow), '5 of 4 points was not refused');
    await axe(first.page, 'grading form');
    await form.getByLabel('建立关系（0–4 分）').fill('4');
    await form.getByLabel('评语').fill('关系建立得好，方法具体');
    await form.getByTestId('total').filter({ hasText: '合计 9 / 10' }).waitFor();
    await form.getByRole('button', { name: '提交并阅下一份' }).click();
    await first.page.getByTestId('grading-note').filter({ hasText: '暂无可领取的任务' }).waitFor();
    await first.page.locator('tr[data-round="2"]').filter({ hasText: '待另一位阅卷人' }).waitFor();
    assert((await first.page.locator('tr[data-round="1"]').count()) === 0, 'a marked task is still listed as to do');
    await showAll(first.page);
    await first.page.locator('tr[data-round="1"]').filter({ hasText: '9 分 · 您评的' }).waitFor();
    await axe(first.page, 'grading queue');

    // The second trainer marks blind (no first score shown) and far apart: a third round.
    const second = await desk('grader2', { password: 'Grader-2026' });
    const round1 = second.page.locator('tr[data-round="1"]');
    await round1.filter({ hasText: '已评' }).waitFor();
    assert(!(await round1.innerText()).includes('9 分'), 'the second grader sees the first score');
    await grade(second.page, 2, [1, 1], '要点不全');
    await second.page.locator('tr[data-round="3"]').filter({ hasText: '两评分差过大，已转第三评' }).waitFor();

    // The third grader settles it and releases the results.
    const third = await desk('admin');
    await third.page.locator('tr[data-round="3"]').filter({ hasText: '第三评（前两评分差过大）' }).waitFor();
    await grade(third.page, 3, [3, 4], '按细则复评');
    await third.page.locator('tr[data-round="2"]').filter({ hasText: '2 分' }).waitFor();
    await third.page.getByRole('button', { name: `发布成绩：${EXAM}` }).click();
    await third.page.getByTestId('grading-note').filter({ hasText: '已发布 1 份成绩' }).waitFor();
    for (const opened of [first, second, third]) await opened.ctx.close();

    await phone.page.goto(attemptUrl);
    await phone.page.getByTestId('score').filter({ hasText: '得分 27' }).filter({ hasText: '通过' }).waitFor();
    await axe(phone.page, 'released essay result');
    await phone.ctx.close();
  });

  const hr = await login(app, 'hr');
  await check('HR: credit search sorted by hours and paged; the export is exactly the list on screen', async () => {
    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'hr');
    await page.goto('/desk/credits');
    await page.getByTestId('credits-table').waitFor();
    await page.getByLabel('单位').selectOption({ label: '恩施市' });
    await page.getByRole('button', { name: '搜索' }).click();
    await page.getByRole('button', { name: '学时' }).click();
    const header = page.getByTestId('credits-table').getByRole('columnheader', { name: '学时', exact: true });
    await page.waitForFunction(() => document.querySelector('[data-testid="credits-table"] th[aria-sort="descending"]'));
    assert((await header.getAttribute('aria-sort')) === 'descending', 'hours are not sorted descending');
    const rows = page.getByTestId('credits-table').locator('tbody tr');
    const firstPage = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent.trim())));
    const hoursCol = firstPage.map((r) => Number(r[3]));
    assert(hoursCol.every((h, i) => i === 0 || hoursCol[i - 1] >= h), `not descending: ${hoursCol}`);
    const pager = await page.getByTestId('pager').innerText();
    const total = Number(/共 (\d+) 条/.exec(pager)[1]);
    assert(total > firstPage.length, `one page only (${total})`);
    await page.getByRole('button', { name: '下一页' }).click();
    await page.getByTestId('pager').filter({ hasText: '第 2 /' }).waitFor();
    const secondPage = await rows.evaluateAll((trs) => trs.map((tr) => tr.children[0].textContent.trim()));
    assert(!secondPage.includes(firstPage[0][0]), 'page 2 repeats page 1');
    await axe(page, 'credits, sorted and paged');
    // A filter typed but not searched does not change what the export holds.
    await page.getByLabel('姓名或工号').fill('未搜索的条件');
    await page.getByText('筛选条件已修改').waitFor();
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()]);
    const lines = (await streamText(await csv.createReadStream())).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    assert(lines.length - 1 === total, `export holds ${lines.length - 1} rows, the screen ${total}`);
    const exported = lines.slice(1, firstPage.length + 1).map((l) => l.split(',')[0]);
    assert(JSON.stringify(exported) === JSON.stringify(firstPage.map((r) => r[0])), `export order differs: ${exported.slice(0, 3)} vs ${firstPage.slice(0, 3).map((r) => r[0])}`);
    log(`     credits: ${total} teachers of 恩施市 sorted by hours; export matches the screen`);
    await ctx.close();
  });

  const certificate = (await api(app, hr, 'GET', `/certificates?teacher_id=${me.person.id}`)).items[0];
  assert(certificate, 'the teacher journey left no certificate to verify');
  const verifyUrl = new URL(certificate.verify_path, app.base).href;

  await check('HR: a certificate verified from an uploaded QR picture, and by number', async () => {
    const { ctx, page } = await open(DESKTOP);
    await uiLogin(page, 'hr');
    await page.goto('/desk/verify');
    await page.getByLabel('上传二维码图片').setInputFiles({ name: 'certificate-qr.gif', mimeType: 'image/gif', buffer: qrPicture(verifyUrl) });
    await page.getByTestId('decoded').filter({ hasText: certificate.verification_code }).waitFor();
    await page.getByTestId('verdict').getByRole('heading', { name: '证书有效' }).waitFor();
    await page.getByTestId('verdict').getByText(certificate.number).waitFor();
    await axe(page, 'verify from a picture');
    await page.getByLabel('上传二维码图片').setInputFiles({ name: 'blank.gif', mimeType: 'image/gif', buffer: Buffer.from('R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=', 'base64') });
    await page.getByRole('alert').filter({ hasText: '没有识别到二维码' }).waitFor();
    await page.getByLabel('证书编号或核验码').fill(certificate.number);
    await page.getByRole('button', { name: '按证书编号查' }).click();
    await page.getByTestId('verdict').getByRole('heading', { name: '证书有效' }).waitFor();
    await ctx.close();
  });

  await check('HR: a certificate verified with the laptop camera (a fake camera showing its QR)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qualify-camera-'));
    const video = join(dir, 'qr.y4m');
    qrVideo(verifyUrl, video);
    const camera = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [...launchArgs, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    });
    try {
      const { page } = await openPage(camera, app, failures, { ...DESKTOP, permissions: ['camera'] });
      await uiLogin(page, 'hr');
      await page.goto('/desk/verify');
      await page.getByRole('button', { name: '用摄像头扫二维码' }).click();
      await page.getByTestId('verdict').getByRole('heading', { name: '证书有效' }).waitFor({ timeout: 20_000 });
      await page.getByTestId('decoded').filter({ hasText: certificate.verification_code }).waitFor();
    } finally {
      await camera.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
