// The station desk (`liaison ui`) and the district dashboard (`liaison-server serve --dashboard`)
// in a real headless chromium, against the real programs and SQLite files (docs/web.md).
// Run: `node --test` here (after `npm ci`), or ctest -L browser in the release build.
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import zlib from 'node:zlib';

import {
  ADMIN, DEADLINE_MS, ROOT, SCREENSHOT_DIR, Stack, launchBrowser, poll, quiet, screenshot, squash,
  watchPage,
} from './harness.mjs';

// The pages' elements: the only place the tests name them.
const DESK = {
  syncButton: '#sync-button',
  syncStatus: '#sync-status',
  navOpinions: '#nav-opinions',
  navNew: '#nav-new',
  navReceptions: '#nav-receptions',
  navSpokespersons: '#nav-spokespersons',
  navConflicts: '#nav-conflicts',
  navReport: '#nav-report',
  form: '#opinion-form',
  field: (name) => `#opinion-form [name="${name}"]`,
  submit: '#opinion-submit',
  rows: '#opinion-list tr[data-id]',
  row: (id) => `#opinion-list tr[data-id="${id}"]`,
  detail: '#opinion-detail',
  message: '#message',
  count: '#opinion-count',
  importFile: '#import-file',
  importSubmit: '#import-submit',
  importHint: '#import-hint',
  attachFile: '#attach-file',
  attachSubmit: '#attach-submit',
  attachment: (id) => `#attachment-list li[data-id="${id}"]`,
  spField: (name) => `#spokesperson-form [name="${name}"]`,
  spSubmit: '#spokesperson-submit',
  spRow: (id) => `#spokesperson-list tr[data-id="${id}"]`,
  spDetail: '#spokesperson-detail',
  spSetField: (name) => `#sp-set-form [name="${name}"]`,
  spSetSubmit: '#sp-set-submit',
  spVoidForm: '#sp-void-form',
  spVoidReason: '#sp-void-form [name="reason"]',
  spVoidSubmit: '#sp-void-submit',
  offBadge: '.badge.off',
  logVisit: '#log-visit',
  visitField: (name) => `#visit-form [name="${name}"]`,
  visitSubmit: '#visit-submit',
  visitRow: (id) => `#visit-list tr[data-id="${id}"]`,
  receptionField: (name) => `#reception-form [name="${name}"]`,
  receptionSubmit: '#reception-submit',
  receptionState: '#reception-state',
  receptionRow: (id) => `#reception-list tr[data-id="${id}"]`,
  markHeld: '.mark-held',
  receptionDetail: '#reception-detail',
  heldForm: '#held-form',
  receptionVoidForm: '#reception-void-form',
  receptionVoidReason: '#reception-void-form [name="reason"]',
  receptionVoidSubmit: '#reception-void-submit',
};
const DASH = {
  loginForm: '#login-form',
  user: '#login-form [name="user"]',
  password: '#login-form [name="password"]',
  submit: '#login-submit',
  error: '#login-error',
  logout: '#logout',
  navOverview: '#nav-overview',
  navOpinions: '#nav-opinions',
  navConflicts: '#nav-conflicts',
  navReport: '#nav-report',
  rows: '#opinion-list tr[data-id]',
  row: (id) => `#opinion-list tr[data-id="${id}"]`,
  detail: '#opinion-detail',
  attachment: (id) => `#opinion-detail #attachment-list li[data-id="${id}"]`,
  attachmentImage: 'img',
  attachmentLink: 'a[download]',
  attachmentMissing: '.badge.pending',
};

// An opinion as a voter said it: several lines, Chinese punctuation, spaces around it. It must
// come back exactly as typed.
const OPINION = {
  voter: '张桂兰',
  phone: '13800000101',
  place: '中仓街道西营社区3号楼',
  matter: '  西营路的路灯坏了：晚上很黑，老人“不敢出门”！\n菜市场门口（东侧）积水……能否解决？  ',
};

// The sample spreadsheet export kept beside the repository: UTF-8, a header, plain fields.
// Shipped in the repository (tools/demo imports it too), so the suite needs nothing beside it.
const SAMPLE_CSV = path.resolve(ROOT, 'tools/data/demo-opinions.csv');

// A PNG of w×h pixels of one colour, made here so that the tests need no picture file.
function png(w, h, [r, g, b]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const x of buf) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(Buffer.concat([Buffer.from(type, 'latin1'), data])));
    return Buffer.concat([head, Buffer.from(type, 'latin1'), data, tail]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);  // 8 bits per sample, RGB
  const line = Buffer.from([0, ...Array.from({ length: w }, () => [r, g, b]).flat()]);
  const pixels = Buffer.concat(Array.from({ length: h }, () => line));
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))]);
}

// The photo attached at the desk in the desk-to-dashboard test.
const PHOTO = { name: '西营路积水.png', width: 24, bytes: png(24, 16, [200, 60, 40]) };

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const watchers = new WeakMap();
// Dashboard pages are answered 401 while nobody is signed in; that is how they learn it.
const dashboardAnswers = { allowStatus: (url, status) => status === 401 && url.pathname.startsWith('/api/') };

// A test with its own Stack and browser context. After fn, nothing a page did may be
// forbidden (see watchPage), and every child must exit 0 on SIGTERM. On a failure the
// children's logs and the pages' requests are added to the message and the directory kept.
function browserTest(name, fn) {
  test(name, async () => {
    const stack = await Stack.create(name.replace(/[^a-z]+/gi, '-').slice(0, 24));
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    context.setDefaultTimeout(DEADLINE_MS);
    const pages = [];
    const open = async (url, watchOptions) => {
      const page = await context.newPage();
      const w = watchPage(page, watchOptions);
      watchers.set(page, w);
      pages.push(w);
      await page.goto(url);
      return page;
    };
    let failed = true;
    try {
      await fn({ stack, context, open });
      assert.deepEqual(pages.flatMap((w) => w.problems), [], 'what the pages did');
      failed = false;
    } catch (e) {
      const requests = pages.map((w, i) => `--- page ${i} requests\n${w.requests.join('\n')}`);
      // The runner prints the stack, which holds the message as it was when thrown.
      const extra = `\n${await stack.logs()}\n${requests.join('\n')}`;
      if (e instanceof Error) e.stack = `${e.stack}${extra}`;
      throw e;
    } finally {
      await context.close();
      const bad = await stack.close({ keep: failed });
      if (!failed) assert.deepEqual(bad, [], 'children that did not exit 0 on SIGTERM');
    }
  });
}

// The answer to the page's next METHOD request on a path starting with prefix.
function nextAnswer(page, method, prefix) {
  return page.waitForResponse((r) => r.request().method() === method &&
    new URL(r.url()).pathname.startsWith(prefix));
}

// Clicks a navigation link and waits for the answer to the API request it makes (the views are
// the location's #hash: a link to the view shown already fetches nothing).
async function navigate(page, selector, apiPrefix) {
  const answer = nextAnswer(page, 'GET', apiPrefix);
  await page.click(selector);
  const r = await answer;
  assert.equal(r.status(), 200, `GET ${r.url()}: ${await r.text()}`);
  await quiet(page);
}

async function getJson(url) {
  const r = await fetch(url);
  const text = await r.text();
  assert.equal(r.status, 200, `GET ${url}: ${text}`);
  return JSON.parse(text);
}

// An answer's body for a failure's message. Chromium may have dropped it already (after the page
// read it), which is then said instead; what a test checks it reads from the page or the API.
function bodyOf(response) {
  return response.text().catch((e) => `(body not available: ${e.message.split('\n')[0]})`);
}

// Waits until the locator's text satisfies check.
function textBecomes(locator, what, check) {
  return poll(what, async () => check((await locator.textContent()) ?? ''));
}

async function signIn(page, password = ADMIN.password) {
  await page.locator(DASH.loginForm).waitFor();
  await page.fill(DASH.user, ADMIN.user);
  await page.fill(DASH.password, password);
  const answer = nextAnswer(page, 'POST', '/api/login');
  await page.click(DASH.submit);
  return answer;
}

browserTest('an opinion recorded at the desk reaches the dashboard after Sync', async ({ stack, open }) => {
  await stack.start();
  const desk = await open(`${stack.deskUrl}/`);

  await desk.click(DESK.navNew);
  await desk.locator(DESK.form).waitFor();
  for (const name of ['voter', 'phone', 'place', 'matter']) await desk.fill(DESK.field(name), OPINION[name]);
  const added = nextAnswer(desk, 'POST', '/api/opinions');
  await desk.click(DESK.submit);
  const answer = await added;
  assert.equal(answer.status(), 200, `POST /api/opinions: ${await answer.text()}`);
  const { id } = await answer.json();
  assert.ok(id, 'the new opinion has an id');

  const stored = await getJson(`${stack.deskUrl}/api/opinions/${id}`);
  for (const name of ['voter', 'phone', 'place', 'matter']) {
    assert.equal(stored[name], OPINION[name], `the stored ${name}, kept as typed`);
  }
  assert.equal(stored.station, 'S01');

  // In the desk's list, and its detail shows the matter.
  await desk.click(DESK.navOpinions);
  const row = desk.locator(DESK.row(id));
  await row.waitFor();
  assert.ok(squash(await row.textContent()).includes(OPINION.voter), 'the list row names the voter');
  await row.click();
  const detail = desk.locator(DESK.detail);
  await detail.waitFor();
  await textBecomes(detail, 'the detail to show the matter',
    (t) => squash(t).includes(squash(OPINION.matter)));

  // A photo attached from the detail is listed there with its thumbnail.
  await desk.setInputFiles(DESK.attachFile, { name: PHOTO.name, mimeType: 'image/png', buffer: PHOTO.bytes });
  const attached = nextAnswer(desk, 'POST', `/api/records/${id}/attachments`);
  await desk.click(DESK.attachSubmit);
  const attachAnswer = await attached;
  assert.equal(attachAnswer.status(), 200, `POST .../attachments: ${await bodyOf(attachAnswer)}`);
  assert.equal(new URL(attachAnswer.url()).searchParams.get('name'), PHOTO.name, 'the file name is sent');
  const [att, ...others] = await getJson(`${stack.deskUrl}/api/records/${id}/attachments`);
  assert.equal(others.length, 0, 'one attachment');
  assert.equal(att.name, PHOTO.name, 'stored under its name');
  assert.equal(att.size, PHOTO.bytes.length, 'stored whole');
  await desk.locator(DESK.attachment(att.id)).waitFor();

  // Sync, and the page says what it pushed.
  const started = nextAnswer(desk, 'POST', '/api/sync');
  await desk.click(DESK.syncButton);
  const start = await started;
  assert.equal(start.status(), 202, `POST /api/sync: ${await start.text()}`);
  const sync = await poll('the sync to finish', async () => {
    const s = await getJson(`${stack.deskUrl}/api/sync`);
    return !s.running && (s.result || s.error) ? s : null;
  });
  assert.ok(!sync.error, `the sync failed: ${sync.error}`);
  assert.ok(sync.result.pushed >= 1, `pushed ${sync.result.pushed}`);
  await textBecomes(desk.locator(DESK.syncStatus), `the sync status to show pushed ${sync.result.pushed}`,
    (t) => t.includes(String(sync.result.pushed)));

  // The district's dashboard has it, with the same matter.
  const dash = await open(`${stack.dashboardUrl}/`, dashboardAnswers);
  assert.equal((await signIn(dash)).status(), 200);
  await dash.click(DASH.navOpinions);
  const drow = dash.locator(DASH.row(id));
  await drow.waitFor();
  const text = squash(await drow.textContent());
  assert.ok(text.includes(OPINION.voter), `the dashboard row names the voter: ${text}`);
  assert.ok(text.includes(squash(OPINION.matter)), `the dashboard row shows the matter: ${text}`);
  const there = await dash.request.get(`${stack.dashboardUrl}/api/opinions/${id}`);
  assert.equal(there.status(), 200);
  const districtCopy = await there.json();
  assert.equal(districtCopy.matter, OPINION.matter, "the district's matter, as typed");
  assert.equal(districtCopy.station, 'S01');

  // The opinion's detail shows the photo, and its link gives the very bytes attached at the desk.
  const dshown = nextAnswer(dash, 'GET', `/api/opinions/${id}`);
  await drow.click();
  assert.equal((await dshown).status(), 200);
  const item = dash.locator(DASH.attachment(att.id));
  await item.waitFor();
  assert.ok(squash(await item.textContent()).includes(squash(PHOTO.name)), 'the attachment is named');
  await item.locator(DASH.attachmentImage).scrollIntoViewIfNeeded();
  await poll('the thumbnail to load', () => item.locator(DASH.attachmentImage).evaluate(
    (img, w) => img.complete && img.naturalWidth === w, PHOTO.width));
  const link = item.locator(DASH.attachmentLink);
  assert.equal(await link.getAttribute('download'), PHOTO.name, 'the link downloads under the file name');
  const href = new URL(await link.getAttribute('href'), stack.dashboardUrl).href;
  const file = await dash.request.get(href);
  assert.equal(file.status(), 200, `GET ${href}`);
  assert.match(file.headers()['content-type'] ?? '', /^image\/png/);
  assert.ok((await file.body()).equals(PHOTO.bytes), 'the downloaded bytes are the photo attached at the desk');
  await screenshot(dash, 'dashboard-opinion-attachment');

  // An attachment whose file has not reached the district is named as such, with no link or
  // thumbnail. (The district's answer is rewritten to say so: a sync cut off between a record
  // and its file is not to be had on demand.)
  const missing = (u) => u.pathname === `/api/opinions/${id}` || u.pathname === `/api/records/${id}/attachments`;
  await dash.route(missing, async (route) => {
    const real = await route.fetch();
    const body = await real.json();
    for (const a of Array.isArray(body) ? body : body.attachments ?? []) a.present = false;
    await route.fulfill({ response: real, json: body });
  });
  const again = nextAnswer(dash, 'GET', `/api/opinions/${id}`);
  await dash.reload();
  await again;
  await item.locator(DASH.attachmentMissing).waitFor();
  assert.equal(await item.locator('a').count(), 0, 'no link to a file the district lacks');
  assert.equal(await item.locator(DASH.attachmentImage).count(), 0, 'no thumbnail of it');
  await dash.unroute(missing);
  await screenshot(dash, 'dashboard-opinion-attachment-missing');
});

browserTest('opinions imported from a CSV file at the desk: all rows, or none and the line at fault', async ({ stack, open }) => {
  await stack.station('--json', 'init', '--station', 'S01');
  await stack.startDesk();
  // The sample: a header, then one opinion a line; no field holds a comma or a line break, so a
  // quoted one only loses its quotes.
  const [header, ...lines] = (await readFile(SAMPLE_CSV, 'utf8').catch((e) => {
    throw new Error(`the sample opinions (${SAMPLE_CSV}): ${e.message}`);
  })).trim().split(/\r?\n/);
  const cols = header.split(',');
  const unquote = (v) => (v.length > 1 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/""/g, '"') : v);
  const sample = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], unquote(v)])));
  assert.ok(sample.length > 0 && lines.every((l) => l.split(',').length === cols.length),
    `${SAMPLE_CSV}: ${sample.length} plain rows of ${cols.join(',')}`);
  const importAnswers = { allowStatus: (url, status) => status === 400 && url.pathname === '/api/opinions/import' };
  const desk = await open(`${stack.deskUrl}/`, importAnswers);
  const apiOf = (p) => getJson(`${stack.deskUrl}${p}`);
  const message = desk.locator(DESK.message);
  await desk.locator(DESK.importFile).waitFor();
  await quiet(desk);
  const hint = await desk.locator(DESK.importHint).textContent();
  for (const c of ['voter', 'matter', 'phone', 'place', 'category', 'source', 'at']) {
    assert.match(hint, new RegExp(`\\b${c}\\b`), `the hint names the column ${c}`);
  }

  // A file whose third line lacks the voter: an error naming the file and the line; nothing imported.
  const BAD = '缺姓名的意见.csv';
  const bad = `${header}\n${lines[0]}\n,13800000999,西营社区,没有写选民姓名的一条,,visit,\n`;
  await desk.setInputFiles(DESK.importFile, { name: BAD, mimeType: 'text/csv', buffer: Buffer.from(bad) });
  const refused = nextAnswer(desk, 'POST', '/api/opinions/import');
  await desk.click(DESK.importSubmit);
  const refusal = await refused;
  assert.equal(refusal.status(), 400, `POST /api/opinions/import of ${BAD}: ${await bodyOf(refusal)}`);
  assert.equal(new URL(refusal.url()).searchParams.get('name'), BAD, 'the file name is sent');
  assert.equal(refusal.request().headers()['x-liaison-upload'], '1', 'sent as an upload');
  await textBecomes(message, 'the message to name the file and the line', (t) => t.includes(`${BAD}:3`));
  assert.match((await message.getAttribute('class')) ?? '', /\berror\b/, 'shown as an error');
  assert.deepEqual(await apiOf('/api/opinions'), [], 'nothing imported');
  await quiet(desk);
  assert.equal(await desk.locator(DESK.rows).count(), 0, 'no rows listed');
  await screenshot(desk, 'desk-import-error');

  // The sample: every row imported, counted, and listed.
  await desk.setInputFiles(DESK.importFile, SAMPLE_CSV);
  const imported = nextAnswer(desk, 'POST', '/api/opinions/import');
  const relisted = nextAnswer(desk, 'GET', '/api/opinions');
  relisted.catch(() => {});  // awaited below, after the import's answer
  await desk.click(DESK.importSubmit);
  const answer = await imported;
  assert.equal(answer.status(), 200, `POST /api/opinions/import: ${await bodyOf(answer)}`);
  assert.equal(new URL(answer.url()).searchParams.get('name'), path.basename(SAMPLE_CSV));
  assert.equal((await relisted).status(), 200, 'the list is fetched again');
  const n = String(sample.length);
  await textBecomes(message, `the message to say ${n} were imported`,
    (t) => t.includes(n) && !t.includes(BAD));
  assert.doesNotMatch((await message.getAttribute('class')) ?? '', /\berror\b/);
  await poll(`${n} rows listed`, async () => (await desk.locator(DESK.rows).count()) === sample.length);
  assert.ok((await desk.locator(DESK.count).textContent()).includes(n), 'the count shown');
  assert.equal(await desk.inputValue(DESK.importFile), '', 'the file is taken off the form');
  const stored = await apiOf('/api/opinions');
  const key = (o) => [o.voter, o.phone, o.place, o.matter, o.category, o.source].join('|');
  assert.deepEqual(stored.map(key).sort(), sample.map(key).sort(), 'the stored opinions are the rows of the file');
  const listed = await desk.locator(DESK.rows).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
  assert.deepEqual(listed.sort(), stored.map((o) => o.id).sort(), 'the list shows every imported opinion');
  const first = sample.find((o) => o.voter && o.matter);
  const firstId = stored.find((o) => key(o) === key(first)).id;
  assert.ok(squash(await desk.locator(DESK.row(firstId)).textContent()).includes(squash(first.voter)),
    'a row names its voter');
  await screenshot(desk, 'desk-opinions-imported');
});

browserTest('the dashboard needs a sign-in', async ({ stack, context, open }) => {
  await stack.startDistrict();
  const bare = await fetch(`${stack.dashboardUrl}/api/overview`);
  assert.equal(bare.status, 401, 'GET /api/overview without a cookie');
  const body = await bare.json();
  assert.ok(typeof body.error === 'string' && body.error.length > 0, JSON.stringify(body));

  const page = await open(`${stack.dashboardUrl}/`, dashboardAnswers);
  await page.locator(DASH.loginForm).waitFor();
  const w = watchers.get(page);
  const leaked = () => w.responses.filter((r) => r.status() === 200 &&
    /^\/api\/(?!login$)/.test(new URL(r.url()).pathname) && new URL(r.url()).pathname !== '/api/logout');
  assert.deepEqual(leaked().map((r) => r.url()), [], 'data answered before sign-in');

  const wrong = await signIn(page, 'not the password');
  assert.equal(wrong.status(), 401, 'POST /api/login with a wrong password');
  const error = page.locator(DASH.error);
  await error.waitFor();
  await textBecomes(error, 'the sign-in error', (t) => t.trim().length > 0);
  assert.ok(await page.locator(DASH.loginForm).isVisible(), 'the form stays after a wrong password');
  await screenshot(page, 'dashboard-signin-error');

  const overview = nextAnswer(page, 'GET', '/api/overview');
  const right = await signIn(page);
  assert.equal(right.status(), 200, 'POST /api/login with the right password');
  assert.equal((await overview).status(), 200, 'the overview after sign-in');
  await page.locator(DASH.loginForm).waitFor({ state: 'hidden' });
  await page.locator(DASH.logout).waitFor();
  const cookie = (await context.cookies()).find((c) => c.name === 'liaison_session');
  assert.ok(cookie, 'the session cookie');
  assert.equal(cookie.httpOnly, true, 'HttpOnly');
  assert.equal(cookie.sameSite, 'Strict', 'SameSite=Strict');
  assert.equal((await page.request.get(`${stack.dashboardUrl}/api/overview`)).status(), 200);

  // Still signed in after a reload; signed out after logout.
  await page.reload();
  await page.locator(DASH.logout).waitFor();
  assert.ok(!(await page.locator(DASH.loginForm).isVisible()), 'no sign-in form after a reload');
  const out = nextAnswer(page, 'POST', '/api/logout');
  await page.click(DASH.logout);
  assert.equal((await out).status(), 200, 'POST /api/logout');
  await page.locator(DASH.loginForm).waitFor();
  assert.equal((await page.request.get(`${stack.dashboardUrl}/api/overview`)).status(), 401,
    'GET /api/overview after logout');
});

browserTest('each main page renders (screenshots for review)', async ({ stack, open }) => {
  await stack.startDistrict();
  // A station with some work done, synced, so that every page has something to show.
  await stack.district('--json', 'category', 'add', '--id', 'urban', '--name', '城市管理');
  await stack.district('--json', 'category', 'add', '--id', 'elderly', '--name', '养老服务');
  await stack.station('--json', 'sync');
  const seeds = [
    ['--voter', '李建国', '--phone', '13800000102', '--place', '西营社区5号楼', '--source', 'visit',
      '--category', 'urban', '--matter', '小区地下车库漏水严重，车顶上经常滴泥水，物业说要等维修基金批下来。'],
    ['--voter', '王秀英', '--place', '西营社区党群服务中心', '--category', 'elderly', '--matter', '希望社区食堂能给行动不便的老人送餐上门。'],
    ['--voter', '赵志强', '--phone', '13800000103', '--matter', OPINION.matter],
  ];
  const ids = [];
  for (const s of seeds) ids.push((await stack.station('--json', 'opinion', 'add', ...s)).id);
  await stack.station('--json', 'opinion', 'step', ids[0], 'reported', '--note', '已报街道城管科');
  await stack.station('--json', 'spokesperson', 'add', '--name', '王桂芳', '--gender', 'f',
    '--party-member', '--area', '西营社区1—6号楼', '--voters', '800', '--households', '320');
  await stack.station('--json', 'reception', 'add', '--date', new Date().toISOString().slice(0, 10),
    '--place', '西营社区党群服务中心', '--topic', '老旧小区综合整治', '--voters', '23', '--opinion', ids[0]);
  await stack.station('--json', 'sync');
  await stack.startDesk();

  const shots = [];
  const shoot = async (page, name) => { shots.push(await screenshot(page, name)); };

  const desk = await open(`${stack.deskUrl}/`);
  await desk.click(DESK.navOpinions);  // perhaps the view shown already: no request to wait for
  await poll('the desk list', async () => (await desk.locator(DESK.rows).count()) >= seeds.length);
  await shoot(desk, 'desk-opinions');
  await desk.click(DESK.navNew);
  await desk.locator(DESK.form).waitFor();
  await shoot(desk, 'desk-new');
  await navigate(desk, DESK.navOpinions, '/api/opinions');
  const detailShown = nextAnswer(desk, 'GET', `/api/opinions/${ids[0]}`);
  await desk.locator(DESK.row(ids[0])).click();
  await detailShown;
  await desk.locator(DESK.detail).waitFor();
  await shoot(desk, 'desk-detail');
  await navigate(desk, DESK.navReport, '/api/report/month');
  await shoot(desk, 'desk-report');
  await navigate(desk, DESK.navReceptions, '/api/receptions');
  await shoot(desk, 'desk-receptions');
  await navigate(desk, DESK.navSpokespersons, '/api/spokespersons');
  await shoot(desk, 'desk-spokespersons');
  await navigate(desk, DESK.navConflicts, '/api/conflicts');
  await shoot(desk, 'desk-conflicts');

  const dash = await open(`${stack.dashboardUrl}/`, dashboardAnswers);
  await dash.locator(DASH.loginForm).waitFor();
  await shoot(dash, 'dashboard-signin');
  const overview = nextAnswer(dash, 'GET', '/api/overview');
  assert.equal((await signIn(dash)).status(), 200);
  assert.equal((await overview).status(), 200);
  await shoot(dash, 'dashboard-overview');
  await navigate(dash, DASH.navOpinions, '/api/opinions');
  await poll('the dashboard list', async () => (await dash.locator(DASH.rows).count()) >= seeds.length);
  await shoot(dash, 'dashboard-opinions');
  await navigate(dash, DASH.navConflicts, '/api/conflicts');
  await shoot(dash, 'dashboard-conflicts');
  await navigate(dash, DASH.navReport, '/api/report/month');
  await shoot(dash, 'dashboard-report');

  for (const f of shots) assert.ok((await stat(f)).size > 1000, `${f} is a picture`);
  console.log(`screenshots in ${SCREENSHOT_DIR}`);
});

browserTest('a spokesperson and a reception day kept at the desk: edit, visit, void, cancel', async ({ stack, open }) => {
  // Only the desk: a station replica made by the CLI, no district.
  await stack.station('--json', 'init', '--station', 'S01');
  await stack.startDesk();
  const desk = await open(`${stack.deskUrl}/`);
  const apiOf = (path) => getJson(`${stack.deskUrl}${path}`);
  const SP = { name: '王桂芳', phone: '13800000201', area: '西营社区1—6号楼', voters: '800', households: '320' };
  const NEW_PHONE = '13900000202';
  const VISIT = { date: '2025-03-14', households: '12', note: '走访3号楼，收集加装电梯的意见' };
  const OFF = '本人辞去代言员（迁出本社区）';

  // Register a spokesperson.
  await navigate(desk, DESK.navSpokespersons, '/api/spokespersons');
  for (const name of ['name', 'phone', 'area', 'voters', 'households']) await desk.fill(DESK.spField(name), SP[name]);
  await desk.selectOption(DESK.spField('gender'), 'f');
  await desk.check(DESK.spField('party_member'));
  const added = nextAnswer(desk, 'POST', '/api/spokespersons');
  await desk.click(DESK.spSubmit);
  const addAnswer = await added;
  assert.equal(addAnswer.status(), 200, `POST /api/spokespersons: ${await addAnswer.text()}`);
  const { id } = await addAnswer.json();
  assert.ok(id, 'the new spokesperson has an id');

  // Edit the phone from the detail: only the phone is sent.
  const shown = nextAnswer(desk, 'GET', `/api/spokespersons/${id}`);
  await desk.locator(DESK.spRow(id)).click();
  assert.equal((await shown).status(), 200);
  const detail = desk.locator(DESK.spDetail);
  await desk.locator(DESK.spSetField('phone')).waitFor();
  assert.equal(await desk.inputValue(DESK.spSetField('phone')), SP.phone, 'the edit form shows the phone');
  await desk.fill(DESK.spSetField('phone'), NEW_PHONE);
  const set = nextAnswer(desk, 'POST', `/api/spokespersons/${id}/set`);
  await desk.click(DESK.spSetSubmit);
  const setAnswer = await set;
  assert.equal(setAnswer.status(), 200, `POST .../set: ${await setAnswer.text()}`);
  assert.deepEqual(setAnswer.request().postDataJSON(), { phone: NEW_PHONE }, 'only the changed field is sent');
  await textBecomes(detail, 'the detail to show the new phone', (t) => t.includes(NEW_PHONE) && !t.includes(SP.phone));

  // Log a visit from the detail: the visit form comes with the spokesperson chosen.
  await desk.click(DESK.logVisit);
  await poll('the visit form to have the spokesperson chosen',
    async () => (await desk.inputValue(DESK.visitField('spokesperson'))) === id);
  for (const name of ['date', 'households', 'note']) await desk.fill(DESK.visitField(name), VISIT[name]);
  const visited = nextAnswer(desk, 'POST', '/api/visits');
  await desk.click(DESK.visitSubmit);
  const visitAnswer = await visited;
  assert.equal(visitAnswer.status(), 200, `POST /api/visits: ${await visitAnswer.text()}`);
  const visitId = (await visitAnswer.json()).id;
  assert.ok(visitId, 'the visit has an id');

  // Back in the detail, the visit is listed; then take the spokesperson off the roster.
  await quiet(desk);
  const again = nextAnswer(desk, 'GET', `/api/spokespersons/${id}`);
  await desk.locator(DESK.spRow(id)).click();
  await again;
  await desk.locator(DESK.visitRow(visitId)).waitFor();
  assert.ok(squash(await desk.locator(DESK.visitRow(visitId)).textContent()).includes(squash(VISIT.note)));
  await desk.fill(DESK.spVoidReason, OFF);
  const voided = nextAnswer(desk, 'POST', `/api/spokespersons/${id}/void`);
  await desk.click(DESK.spVoidSubmit);
  const voidAnswer = await voided;
  assert.equal(voidAnswer.status(), 200, `POST .../void: ${await voidAnswer.text()}`);
  assert.deepEqual(voidAnswer.request().postDataJSON(), { reason: OFF });
  await textBecomes(detail, 'the detail to show the reason', (t) => t.includes(OFF));
  await detail.locator(DESK.offBadge).waitFor();
  await desk.locator(DESK.spVoidForm).waitFor({ state: 'detached' });
  await desk.locator(DESK.logVisit).waitFor({ state: 'detached' });
  await screenshot(desk, 'desk-spokesperson-off');

  const archive = await apiOf(`/api/spokespersons/${id}`);
  assert.equal(archive.phone, NEW_PHONE, 'the stored phone');
  assert.equal(archive.void_reason, OFF, 'the stored reason');
  for (const k of ['name', 'area']) assert.equal(archive[k], SP[k], `the stored ${k}, unchanged`);
  assert.equal(archive.voters, Number(SP.voters));
  assert.equal(archive.gender, 'f');
  assert.equal(archive.party_member, true);
  assert.equal(archive.visit_count, 1);
  const visit = archive.visits.find((v) => v.id === visitId);
  assert.ok(visit, `the visit in the archive: ${JSON.stringify(archive.visits)}`);
  assert.equal(visit.visited_on, VISIT.date);
  assert.equal(visit.households, Number(VISIT.households));
  assert.equal(visit.note, VISIT.note);

  // The list marks the spokesperson, and a visit can no longer be logged for them.
  await navigate(desk, DESK.navSpokespersons, '/api/spokespersons');
  const spRow = desk.locator(DESK.spRow(id));
  await spRow.locator(DESK.offBadge).waitFor();
  assert.match((await spRow.getAttribute('class')) ?? '', /\bvoid\b/, 'the row is shown as void');
  assert.equal(await desk.locator(`${DESK.visitField('spokesperson')} option[value="${id}"]`).count(), 0,
    'no visits for a spokesperson off the roster');

  // A reception day announced in advance, then cancelled with a reason.
  const RECEPTION = { date: '2030-01-15', place: '西营社区党群服务中心', topic: '冬季供暖' };
  const CANCEL = '场地维修，改到下月';
  await navigate(desk, DESK.navReceptions, '/api/receptions');
  await desk.check(DESK.receptionField('planned'));
  for (const name of ['date', 'place', 'topic']) await desk.fill(DESK.receptionField(name), RECEPTION[name]);
  const logged = nextAnswer(desk, 'POST', '/api/receptions');
  await desk.click(DESK.receptionSubmit);
  const logAnswer = await logged;
  assert.equal(logAnswer.status(), 200, `POST /api/receptions: ${await logAnswer.text()}`);
  assert.equal(logAnswer.request().postDataJSON().planned, true, 'logged as planned');
  const rid = (await logAnswer.json()).id;
  const rrow = desk.locator(DESK.receptionRow(rid));
  await rrow.locator(DESK.markHeld).waitFor();
  assert.equal((await apiOf(`/api/receptions/${rid}`)).state, 'planned');

  const rshown = nextAnswer(desk, 'GET', `/api/receptions/${rid}`);
  await rrow.locator('td').first().click();
  await rshown;
  const rdetail = desk.locator(DESK.receptionDetail);
  await rdetail.locator(DESK.heldForm).waitFor();
  await desk.fill(DESK.receptionVoidReason, CANCEL);
  const cancelled = nextAnswer(desk, 'POST', `/api/receptions/${rid}/void`);
  await desk.click(DESK.receptionVoidSubmit);
  const cancelAnswer = await cancelled;
  assert.equal(cancelAnswer.status(), 200, `POST .../void: ${await cancelAnswer.text()}`);
  assert.deepEqual(cancelAnswer.request().postDataJSON(), { reason: CANCEL });
  await textBecomes(rdetail, 'the reception detail to show the reason', (t) => t.includes(CANCEL));
  await desk.locator(DESK.receptionVoidForm).waitFor({ state: 'detached' });
  await desk.locator(DESK.heldForm).waitFor({ state: 'detached' });
  const stored = await apiOf(`/api/receptions/${rid}`);
  assert.equal(stored.state, 'void', 'the stored state');
  assert.equal(stored.void_reason, CANCEL, 'the stored reason');
  assert.equal(stored.planned_on, RECEPTION.date);

  // In the list: shown cancelled with its reason, no longer to be marked held; and under "cancelled".
  await navigate(desk, DESK.navReceptions, '/api/receptions');
  await rrow.waitFor();
  assert.match((await rrow.getAttribute('class')) ?? '', /\bvoid\b/, 'the row is shown as cancelled');
  assert.ok((await rrow.textContent()).includes(CANCEL), 'the row gives the reason');
  assert.equal(await rrow.locator(DESK.markHeld).count(), 0, 'a cancelled day is not marked held');
  const filtered = nextAnswer(desk, 'GET', '/api/receptions');
  await desk.selectOption(DESK.receptionState, 'void');
  const filterAnswer = await filtered;
  assert.equal(new URL(filterAnswer.url()).searchParams.get('state'), 'void');
  await quiet(desk);
  assert.equal(await rrow.count(), 1, 'listed under the cancelled ones');
  await screenshot(desk, 'desk-reception-cancelled');
});
