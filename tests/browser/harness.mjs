// The real parts under the browser tests: a temporary directory with SQLite files made by the
// CLI, the district server (sync + dashboard) and a station's desk as child processes, and a
// headless Debian chromium driven by playwright-core. Every wait polls a condition up to a
// deadline; nothing sleeps for a fixed time.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
// The repository's root directory.
export const ROOT = root;

// ctest passes the built binaries and the screenshot directory; run by hand, the defaults are
// those of the release build (build/).
export const CLIENT_BIN = process.env.LIAISON_CLIENT_BIN || path.join(root, 'build/client/liaison');
export const SERVER_BIN =
  process.env.LIAISON_SERVER_BIN || path.join(root, 'build/server/liaison-server');
export const SCREENSHOT_DIR =
  process.env.LIAISON_SCREENSHOT_DIR || path.join(root, 'build/browser-screenshots');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update'];

// How long any one condition may take to come true (a loaded 2-core machine runs ctest -j 2).
export const DEADLINE_MS = 15_000;
export const ADMIN = { user: 'admin', password: 'correct horse 电池 staple' };

let playwright;
// playwright-core, or a clear failure when `npm ci` has not been run here.
export async function loadPlaywright() {
  if (!playwright) {
    try {
      playwright = await import('playwright-core');
    } catch (e) {
      throw new Error(`playwright-core is not installed: run 'npm ci' in ${here} ` +
        `(tools/test does it): ${e.message}`);
    }
  }
  return playwright;
}

export async function launchBrowser() {
  for (const bin of [CHROMIUM, CLIENT_BIN, SERVER_BIN]) {
    if (!existsSync(bin)) throw new Error(`missing ${bin}`);
  }
  const { chromium } = await loadPlaywright();
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// Runs a CLI command to completion; resolves to its stdout (parsed when it is JSON), rejects
// with its stderr on a non-zero exit.
export function run(bin, args, { input, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const cmd = [path.basename(bin), ...args].join(' ');
      if (code !== 0) {
        reject(new Error(`${cmd}: exit ${code ?? signal}\n${err}${out}`));
        return;
      }
      const text = out.trim();
      if (args.includes('--json') && text) {
        try {
          resolve(JSON.parse(text));
        } catch (e) {
          reject(new Error(`${cmd}: not JSON (${e.message}):\n${text}`));
        }
      } else {
        resolve(text);
      }
    });
    child.stdin.end(input ?? '');
  });
}

// Polls fn (sync or async) until it returns a truthy value, and returns it; throws what the
// last attempt threw, or `what`, once the deadline has passed.
export async function poll(what, fn, { deadline = DEADLINE_MS, every = 50 } = {}) {
  const end = Date.now() + deadline;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${deadline} ms waiting for ${what}` +
        (last ? `: ${last.message}` : ''));
    }
    await new Promise((r) => setTimeout(r, every));
  }
}

// One test's world: a temporary directory, the district database (station S01, a device token
// for it, the dashboard account ADMIN) and the station's database, initialised against the
// district server once it listens. Children are stopped with SIGTERM (then waited for) by
// close(), which also removes the directory.
export class Stack {
  static async create(name) {
    const s = new Stack();
    s.dir = await mkdtemp(path.join(os.tmpdir(), `liaison-browser-${name}-`));
    s.districtDb = path.join(s.dir, 'district.db');
    s.stationDb = path.join(s.dir, 'station.db');
    s.children = [];
    return s;
  }

  // district(...args[, { input }]) and station(...): a CLI command on this test's databases.
  district(...args) { return this.cli(SERVER_BIN, this.districtDb, args); }
  station(...args) { return this.cli(CLIENT_BIN, this.stationDb, args); }
  cli(bin, db, args) {
    const opts = typeof args.at(-1) === 'object' ? args.pop() : {};
    return run(bin, ['--db', db, ...args], { ...opts, cwd: this.dir });
  }

  // Makes the district database, starts the district server and makes the station database;
  // the station's desk is started by startDesk(), so a test may first add records by CLI.
  async startDistrict() {
    await this.district('--json', 'init');
    await this.district('--json', 'station', 'add', '--id', 'S01', '--name', '西营社区代表联络站');
    const device = await this.district('--json', 'device', 'add', '--station', 'S01');
    if (!device.token) throw new Error(`device add gave no token: ${JSON.stringify(device)}`);
    await this.district('--json', 'user', 'add', ADMIN.user, { input: `${ADMIN.password}\n` });
    const ports = await this.spawnServer('district', SERVER_BIN, ['--db', this.districtDb, 'serve',
      '--listen', '127.0.0.1:0', '--port-file', 'sync.port',
      '--dashboard', '127.0.0.1:0', '--dashboard-port-file', 'dashboard.port'],
    ['sync.port', 'dashboard.port']);
    this.syncUrl = `ws://127.0.0.1:${ports[0]}/sync`;
    this.dashboardUrl = `http://127.0.0.1:${ports[1]}`;
    await this.station('--json', 'init', '--station', 'S01', '--server', this.syncUrl,
      '--token', device.token);
  }

  async startDesk() {
    const [port] = await this.spawnServer('desk', CLIENT_BIN,
      ['--db', this.stationDb, 'ui', '--listen', '127.0.0.1:0', '--port-file', 'desk.port'],
      ['desk.port']);
    this.deskUrl = `http://127.0.0.1:${port}`;
  }

  async start() {
    await this.startDistrict();
    await this.startDesk();
  }

  // Starts a long-running child with its output in NAME.log and waits for its port files
  // (written through a rename, so a non-empty one is complete).
  async spawnServer(name, bin, args, portFiles) {
    const { openSync, closeSync } = await import('node:fs');
    const log = path.join(this.dir, `${name}.log`);
    const fd = openSync(log, 'w');
    const child = spawn(bin, args, { cwd: this.dir, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const entry = { name, child, log, exit: null };
    entry.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => { entry.exit = { code, signal }; resolve(entry.exit); });
      child.on('error', (e) => { entry.exit = { error: e.message }; resolve(entry.exit); });
    });
    this.children.push(entry);
    const ports = [];
    for (const f of portFiles) {
      ports.push(await poll(`${name}'s port file ${f}`, async () => {
        if (entry.exit) {
          throw new Error(`${name} exited (${JSON.stringify(entry.exit)}):\n` +
            await readFile(log, 'utf8'));
        }
        const text = await readFile(path.join(this.dir, f), 'utf8').catch(() => '');
        const port = Number.parseInt(text, 10);
        return port > 0 ? port : 0;
      }, { deadline: DEADLINE_MS, every: 25 }));
    }
    return ports;
  }

  // The children's logs, for a failure's message.
  async logs() {
    const parts = [`(temporary directory ${this.dir})`];
    for (const c of this.children) {
      const text = await readFile(c.log, 'utf8').catch(() => '');
      parts.push(`--- ${c.name}.log ${c.exit ? JSON.stringify(c.exit) : '(running)'}\n${text}`);
    }
    return parts.join('\n');
  }

  // SIGTERM to every child, then waits for each (SIGKILL after the deadline). Returns the
  // children that did not exit 0 by themselves.
  async close({ keep = false } = {}) {
    const bad = [];
    for (const c of this.children) if (!c.exit) c.child.kill('SIGTERM');
    for (const c of this.children) {
      const timer = setTimeout(() => { if (!c.exit) c.child.kill('SIGKILL'); }, DEADLINE_MS);
      const exit = await c.exited;
      clearTimeout(timer);
      if (exit.code !== 0) bad.push(`${c.name}: ${JSON.stringify(exit)}`);
    }
    if (!keep) await rm(this.dir, { recursive: true, force: true });
    return bad;
  }
}

// Records what a page does that the tests forbid: a request to any host but 127.0.0.1, a
// console error, an uncaught exception, a failed request, an answer of 400 or more that the
// test did not expect. allowStatus(url, status) says which error answers are expected.
const watched = new WeakMap();
export function watchPage(page, { allowStatus = () => false } = {}) {
  const w = { requests: [], problems: [], responses: [], inflight: new Set() };
  watched.set(page, w);
  const done = (r) => w.inflight.delete(r);
  page.on('request', (r) => w.inflight.add(r));
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  const local = (u) => {
    const url = new URL(u);
    if (['data:', 'blob:', 'about:'].includes(url.protocol)) return true;
    return ['http:', 'ws:'].includes(url.protocol) && url.hostname === '127.0.0.1';
  };
  page.on('request', (r) => {
    w.requests.push(`${r.method()} ${r.url()}`);
    if (!local(r.url())) w.problems.push(`request to another host: ${r.method()} ${r.url()}`);
  });
  page.on('websocket', (ws) => {
    w.requests.push(`WS ${ws.url()}`);
    if (!local(ws.url())) w.problems.push(`websocket to another host: ${ws.url()}`);
  });
  page.on('response', (r) => {
    w.responses.push(r);
    if (r.status() >= 400 && !allowStatus(new URL(r.url()), r.status())) {
      w.problems.push(`unexpected answer ${r.status()} to ${r.request().method()} ${r.url()}`);
    }
  });
  page.on('requestfailed', (r) => {
    w.problems.push(`request failed (${r.failure()?.errorText}): ${r.method()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Chromium logs every answer of 400 or more as a console error; those are judged above.
    if (/^Failed to load resource: the server responded with a status of \d+/.test(m.text())) return;
    w.problems.push(`console error: ${m.text()} (${m.location()?.url ?? ''})`);
  });
  page.on('pageerror', (e) => w.problems.push(`uncaught exception: ${e.message}`));
  return w;
}

// Waits until the page has no request in flight, then until it has handled the answers
// (settled). For a page made by watchPage.
export async function quiet(page) {
  const w = watched.get(page);
  await poll('the page to finish its requests', () => w.inflight.size === 0, { every: 20 });
  await settled(page);
}

// Saves a full-page PNG as SCREENSHOT_DIR/NAME.png once the page is quiet.
export async function screenshot(page, name) {
  await quiet(page);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Waits until the page has handled what it has received: two animation frames after the
// moment of the call (rendering that follows a fetch's answer happens in between).
export async function settled(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

// Text compared without regard to whitespace: how a page lays text out (a <br> for a line
// break, collapsed spaces) is not what the tests check; the API gives the exact text.
export const squash = (s) => (s ?? '').replace(/\s+/gu, '');
