// Every link in every email the server sent opens an existing page of the app. The e2e server
// has no SMTP, so its sender writes each message to <data dir>/outbox/<id>.eml; this reads them
// all (after the journeys, plus an essay exam so a trainer is told to grade), decodes their
// parts, collects the links and opens each one as its recipient would on a phone: logged out,
// through the login page (which must bring them back to the link) as that recipient, and then
// the page must be the one linked (not "page not found", not a JSON error). The public
// verification page needs no login.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PHONE } from './harness.mjs';

const SEED = resolve(import.meta.dirname, '../../../seed/data');
/** The link shapes the server's mails carry (grep crates for `path: format!` and `Mail::`);
 *  /research-events is the cancelled research event of staff-events.mjs. */
const EXPECTED = [/^\/verify\/[^/]+$/, /^\/attempts\/\d+$/, /^\/grading\?exam_id=\d+$/, /^\/me\/research-events$/, /^\/sessions\/\d+$/, /^\/research-events$/];

function decode(encoding, body) {
  const enc = (encoding ?? '7bit').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** An .eml's recipient and the links in its text and HTML parts. */
export function readMail(raw) {
  const to = /^To:.*?<?([\w.+-]+@[\w.-]+)>?\s*$/im.exec(raw)?.[1]?.toLowerCase();
  const links = new Set();
  const part = /Content-Transfer-Encoding:\s*([\w-]+)\r?\n(?:[\w-]+:.*\r?\n)*\r?\n([\s\S]*?)(?=\r?\n--|$)/gi;
  for (const [, encoding, body] of raw.matchAll(part)) {
    for (const [url] of decode(encoding, body).matchAll(/https?:\/\/[^\s"<>]+/g)) links.add(url.replace(/&amp;/g, '&'));
  }
  return { to, links: [...links] };
}

/** Who logs in for a recipient address: demo accounts by username, teachers by employee number. */
function usernames() {
  const byEmail = new Map();
  for (const [file, column] of [['accounts.csv', 'username'], ['teachers.csv', 'employee_no']]) {
    const [head, ...rows] = readFileSync(join(SEED, file), 'utf8').trim().split('\n');
    const cols = head.split(',');
    for (const row of rows) {
      const cells = row.split(',');
      byEmail.set(cells[cols.indexOf('email')]?.toLowerCase(), cells[cols.indexOf(column)]);
    }
  }
  return byEmail;
}

export async function mailLinks({ app, browser, check, axe, assert, api, login, log, warnings }) {
  await check('every link in every mail sent opens a page of the app', async () => {
    // A subjective exam sat by a teacher: its trainers are mailed to grade.
    const trainer = await login(app, 'trainer');
    const bank = await api(app, trainer, 'POST', '/question-banks', { name: '论述题库（测试）', org_unit_id: 1 });
    await api(app, trainer, 'POST', `/question-banks/${bank.id}/questions`, {
      type: 'essay', stem: '论述如何与情绪低落的学生谈话。', points: '10',
      rubric: [{ criterion: '建立关系', points: '4' }, { criterion: '辅导方法', points: '6' }],
    });
    const now = Date.now();
    const exam = await api(app, trainer, 'POST', '/exams', {
      title: '论述考查（测试）', level: 'c', org_unit_id: 1, duration_minutes: 30, pass_score: '6', max_attempts: 1,
      opens_at: new Date(now - 3_600_000).toISOString(), closes_at: new Date(now + 86_400_000).toISOString(),
      sections: [{ title: '论述', bank_ids: [bank.id], type: 'essay', count: 1, points: '10' }],
    });
    const sitter = await login(app, 'ES00003');
    const attempt = await api(app, sitter, 'POST', `/exams/${exam.id}/attempts`, {});
    await api(app, sitter, 'PUT', `/attempts/${attempt.id}/answers/${attempt.questions[0].id}`, { answer: '先倾听，再共情。' });
    await api(app, sitter, 'POST', `/attempts/${attempt.id}/submit`, {});

    // Wait until the sender has written a mail of every link shape (behind-pace mails start
    // on 1 September, China time).
    const month = Number(new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', month: 'numeric' }).format(new Date()));
    const expected = EXPECTED.filter((shape) => month >= 9 || !String(shape).includes('research'));
    const dir = join(app.dir, 'outbox');
    const origin = new URL(app.api).origin;
    let mails = [];
    const until = Date.now() + 40_000;
    for (;;) {
      mails = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => readMail(readFileSync(join(dir, f), 'utf8'))) : [];
      const paths = mails.flatMap((m) => m.links).map((l) => new URL(l).pathname + new URL(l).search);
      const missing = expected.filter((shape) => !paths.some((p) => shape.test(p)));
      if (!missing.length) break;
      if (Date.now() > until) throw new Error(`no mail links like ${missing.join(', ')} among ${mails.length} mails`);
      await new Promise((r) => setTimeout(r, 1_000));
    }

    // Each distinct link once, opened by its first recipient.
    const names = usernames();
    const links = new Map();
    for (const mail of mails) {
      for (const link of mail.links) {
        assert(link.startsWith(`${origin}/`), `a mail links outside the app: ${link}`);
        if (!links.has(link)) links.set(link, mail.to);
      }
    }
    log(`     ${mails.length} mails, ${links.size} distinct links`);
    for (const [link, to] of links) {
      const url = new URL(link);
      const path = url.pathname + url.search;
      assert(EXPECTED.some((shape) => shape.test(path)), `a mail links to ${path}, which this test does not know`);
      const ctx = await browser.newContext({ ...PHONE, baseURL: app.base, serviceWorkers: 'block' });
      const page = await ctx.newPage();
      page.setDefaultTimeout(15_000);
      const response = await page.goto(path);
      const type = response?.headers()['content-type'] ?? '';
      assert(response?.ok() && type.startsWith('text/html'), `${path}: ${response?.status()} ${type}`);
      if (path.startsWith('/verify/')) {
        await page.getByText(/ES-\d{4}-C-/).first().waitFor();
      } else {
        const username = names.get(to);
        assert(username, `no demo login for ${to}`);
        await page.waitForURL(/\/login\?next=/);
        await page.getByLabel('用户名 / 工号 / 手机号').fill(username);
        await page.getByLabel('密码').fill('demo1234');
        await page.getByRole('button', { name: '登录' }).click();
        await page.waitForURL((u) => u.pathname + u.search === path);
        await page.locator('main').waitFor();
        await page.waitForLoadState('networkidle');
        assert(!(await page.getByText('页面不存在').count()), `${path} shows "page not found" to ${username}`);
        assert(page.url().endsWith(path), `${path} moved on to ${page.url()} for ${username}`);
        await axe(page, `mail link ${path.replace(/\d+/g, 'N')}`);
      }
      log(`     ${path} (${to}) opens`);
      await ctx.close();
    }
    if (expected.length < EXPECTED.length) warnings.push('no behind-pace mail before 1 September: /me/research-events not opened from a mail');
  });
}
