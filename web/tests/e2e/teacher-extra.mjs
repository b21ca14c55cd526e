// More of the teacher's phone, on a fresh server of its own (after run.mjs in `npm run test:e2e`):
// - a presence check (防挂机): the player gets a challenge in a heartbeat's answer, the dialog
//   shows, crediting stops while it waits past its grace, a wrong answer is refused, the right
//   one closes it and crediting resumes; the course page then shows the lesson's credited
//   minutes;
// - check-in by scanning the trainer's sign-in QR with the camera: the session's real QR
//   payload is drawn into a Y4M file that Chromium plays as a fake camera
//   (--use-file-for-fake-video-capture), and the scan page reads it with jsQR (Chromium on
//   Linux has no BarcodeDetector) and opens the sign-in page it names.
// axe-core on every page it shows.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import qrcode from 'qrcode-generator';
import { chromium } from 'playwright-core';
import { ARGS, CHROMIUM, api, assert, harness, loggedInPhone, tokens } from './harness.mjs';
import { startApp } from './servers.mjs';

const { check, axe, log, crashed, finish, failures, warnings } = harness('web e2e (presence check, QR scan)');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One 640×480 Y4M frame (4:2:0) of a QR code of `text`, black on white with a quiet zone. */
export function qrFrameY4m(text) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const [w, h] = [640, 480];
  const scale = Math.floor((h - 40) / (n + 8));
  const size = scale * (n + 8);
  const [x0, y0] = [Math.floor((w - size) / 2), Math.floor((h - size) / 2)];
  const y = Buffer.alloc(w * h, 235);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (!qr.isDark(r, c)) continue;
      for (let dy = 0; dy < scale; dy++) {
        const row = (y0 + (r + 4) * scale + dy) * w + x0 + (c + 4) * scale;
        y.fill(16, row, row + scale);
      }
    }
  }
  const chroma = Buffer.alloc((w / 2) * (h / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma]);
  // A few identical frames: the fake camera loops the file.
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`), frame, frame, frame]);
}

async function lessonProgress(app, token, courseId) {
  const course = await api(app, token, 'GET', `/courses/${courseId}`);
  return course.modules[0].lessons[0].progress ?? { credited_seconds: 0, watched_seconds: 0, completed: false };
}

const app = await startApp();
console.log(`web e2e (presence check, QR scan) on ${app.database}: app at ${app.base}`);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
const work = mkdtempSync(join(tmpdir(), 'qualify-camera-'));

try {
  const admin = (await tokens(app, 'admin')).access_token;
  const trainer = (await tokens(app, 'trainer')).access_token;

  await check('presence check: the dialog shows, crediting waits for it, the answer resumes it', async () => {
    // A reading lesson of a course that asks every minute of credited learning.
    const course = await api(app, admin, 'POST', '/courses', {
      title: '在线确认演练（测试）',
      summary: '每学习 1 分钟确认一次在场',
      track: 'general',
      hours: '1',
      status: 'published',
      org_unit_id: 1,
      presence_check_minutes: 1,
      modules: [{ title: '第一单元', lessons: [{ kind: 'text', title: '阅读：学生情绪的识别', duration_seconds: 600, content: '情绪是对事物的态度体验。\n\n教师要先接纳，再引导。' }] }],
    });
    const teacherToken = (await tokens(app, 'teacher')).access_token;
    const context = await loggedInPhone(browser, app, 'teacher');
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => failures.push(`page error (presence): ${e.message}`));
    await page.goto(`/courses/${course.id}`);
    await page.getByRole('button', { name: '报名学习' }).click();
    await page.getByRole('link', { name: /阅读：学生情绪的识别/ }).click();
    await page.getByRole('article').getByText('教师要先接纳').waitFor();

    // The first minute of reading is credited, then a heartbeat's answer carries the check.
    const dialog = page.getByRole('dialog', { name: '在线确认' });
    await dialog.waitFor({ timeout: 120_000 });
    const shownAt = Date.now();
    const question = (await dialog.locator('.question').innerText()).trim();
    log(`     challenge: ${question}`);
    await axe(page, 'lesson with the presence dialog');

    // Unanswered past its minute of grace, the check stops crediting (heartbeats still go).
    await sleep(Math.max(0, shownAt + 80_000 - Date.now()));
    const paused = (await lessonProgress(app, teacherToken, course.id)).credited_seconds;
    await sleep(20_000);
    const still = (await lessonProgress(app, teacherToken, course.id)).credited_seconds;
    assert(still === paused, `credited ${paused} → ${still} s while the check waited unanswered`);

    await dialog.getByLabel('你的答案').fill('1');
    await dialog.getByRole('button', { name: '提交' }).click();
    await dialog.getByRole('alert').waitFor();
    const [, a, b] = /(\d+)\s*\+\s*(\d+)/.exec(question) ?? [];
    assert(a && b, `unexpected question ${question}`);
    await dialog.getByLabel('你的答案').fill(String(Number(a) + Number(b)));
    await dialog.getByRole('button', { name: '提交' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const until = Date.now() + 45_000;
    let after = still;
    while (after <= still && Date.now() < until) {
      await sleep(3_000);
      after = (await lessonProgress(app, teacherToken, course.id)).credited_seconds;
    }
    assert(after > still, `crediting did not resume after the answer (credited ${still} → ${after} s)`);
    log(`     credited: ${paused} s while waiting, ${after} s after answering`);

    // The course page shows the lesson's credited minutes beside it.
    await page.goto(`/courses/${course.id}`);
    const row = page.getByTestId('lesson-progress').first();
    await row.filter({ hasText: /已学 [\d.]+ 分钟/ }).waitFor();
    const shown = Number(/已学 ([\d.]+) 分钟/.exec(await row.innerText())?.[1]);
    const credited = (await lessonProgress(app, teacherToken, course.id)).credited_seconds;
    assert(Math.abs(shown - credited / 60) < 0.5, `course page shows ${shown} min, the API ${credited} s`);
    await axe(page, 'course with lesson progress');
    await context.close();
  });

  await check('check in by scanning the sign-in QR with the camera', async () => {
    const now = Date.now();
    const session = await api(app, trainer, 'POST', '/sessions', {
      title: '摄像头签到演练（测试）',
      place: '恩施市教育局三楼报告厅',
      starts_at: new Date(now - 5 * 60_000).toISOString(),
      ends_at: new Date(now + 60 * 60_000).toISOString(),
      hours: '1',
      capacity: 20,
      org_unit_id: 1,
      trainer: '李老师',
    });
    const teacherToken = (await tokens(app, 'teacher')).access_token;
    await api(app, teacherToken, 'POST', `/sessions/${session.id}/registrations`, {});
    // A code fresh enough to outlive the browser's start (codes rotate every 30 s).
    let code = await api(app, trainer, 'GET', `/sessions/${session.id}/sign-in-code`);
    if (Date.parse(code.expires_at) - Date.now() < 20_000) {
      await sleep(Date.parse(code.expires_at) - Date.now() + 500);
      code = await api(app, trainer, 'GET', `/sessions/${session.id}/sign-in-code`);
    }
    const payload = new URL(code.qr_payload);
    assert(payload.pathname === `/sessions/${session.id}/sign-in` && payload.searchParams.get('code') === code.code, `QR payload ${code.qr_payload}`);
    if (payload.origin !== new URL(app.base).origin) {
      // The scan page only follows QR codes of its own origin; the static front has another.
      warnings.push(`QR scan not checked: the QR names ${payload.origin}, the app is at ${app.base} (static front)`);
      return;
    }
    const file = join(work, 'sign-in-qr.y4m');
    writeFileSync(file, qrFrameY4m(code.qr_payload));
    const camera = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...ARGS, '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${file}`],
    });
    try {
      const context = await loggedInPhone(camera, app, 'teacher', { permissions: ['camera'] });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on('pageerror', (e) => failures.push(`page error (scan): ${e.message}`));
      await page.goto('/sessions');
      await page.getByRole('link', { name: '扫码签到', exact: true }).click();
      await page.waitForURL(/\/scan$/);
      await axe(page, 'scan');
      await page.waitForURL(new RegExp(`/sessions/${session.id}/sign-in\\?code=${code.code}$`), { timeout: 15_000 });
      await page.getByRole('button', { name: '签到', exact: true }).click();
      await page.getByRole('status').filter({ hasText: /已于 .* 签到/ }).waitFor();
      await axe(page, 'sign-in from the scan');
      await context.close();
    } finally {
      await camera.close();
    }
    const attendance = await api(app, trainer, 'GET', `/sessions/${session.id}/attendance`);
    const me = await api(app, teacherToken, 'GET', '/me');
    const line = attendance.lines.find((l) => l.teacher_id === me.person.id);
    assert(line?.checked_in_at, `the roster shows no check-in: ${JSON.stringify(line ?? attendance).slice(0, 200)}`);
  });
} catch (e) {
  crashed(e);
} finally {
  await browser.close();
  await app.stop();
  rmSync(work, { recursive: true, force: true });
}
finish();
