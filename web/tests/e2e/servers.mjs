// A fresh qualify server (own data dir, SQLite file or a fresh PostgreSQL database, free port,
// demo seed) and, when that server does not serve the built app itself yet, a small static
// server for web/dist that forwards the API to it.
import { spawn, execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
const DIST = resolve(import.meta.dirname, '../../dist');

export function freePort() {
  return new Promise((res, rej) => {
    const s = netServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

async function waitFor(url, ms = 30_000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${url}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startBackend() {
  const bin = process.env.QUALIFY_BIN ?? join(ROOT, 'target/debug/qualify');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build the server first (cargo build -p server)`);
  const dir = mkdtempSync(join(tmpdir(), 'qualify-web-'));
  const port = await freePort();
  let database = `sqlite://${dir}/q.db?mode=rwc`;
  let drop = () => undefined;
  // WEB_E2E_DATABASE=postgres (with TEST_DATABASE_URL) runs on a fresh PostgreSQL database
  // named t_… (CI drops those); SQLite otherwise.
  if (process.env.WEB_E2E_DATABASE === 'postgres' && process.env.TEST_DATABASE_URL) {
    const name = `t_web_${Date.now()}`;
    execFileSync('psql', [process.env.TEST_DATABASE_URL, '-qc', `create database ${name}`]);
    database = process.env.TEST_DATABASE_URL.replace(/\/[^/]*$/, `/${name}`);
    drop = () => execFileSync('psql', [process.env.TEST_DATABASE_URL, '-qc', `drop database if exists ${name} with (force)`]);
  }
  const env = {
    ...process.env,
    QUALIFY_DATABASE_URL: database,
    QUALIFY_DATA_DIR: dir,
    QUALIFY_BIND: `127.0.0.1:${port}`,
    QUALIFY_WEB_DIR: DIST,
    QUALIFY_LOG: 'error',
  };
  execFileSync(bin, ['migrate'], { env, stdio: 'ignore' });
  execFileSync(bin, ['seed', '--demo'], { env, stdio: 'ignore' });
  const child = spawn(bin, ['serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/health`);
  const stop = async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    try {
      drop();
    } catch {
      // CI drops leftover t_… databases before its next run
    }
    if (!process.env.WEB_E2E_KEEP) rmSync(dir, { recursive: true, force: true });
  };
  return { base, dir, database: database.split(':')[0], stop };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
  '.webm': 'video/webm',
  '.vtt': 'text/vtt; charset=utf-8',
};
const FORWARD = /^\/(api|verify|\.well-known|docs|api-docs|health)(\/|$)/;

/** Serves web/dist like `qualify serve` is to (shell for deep links), forwarding the API. */
export async function startFront(apiBase) {
  const api = new URL(apiBase);
  const port = await freePort();
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (FORWARD.test(url.pathname)) {
      const fwd = httpRequest(
        { host: api.hostname, port: api.port, path: req.url, method: req.method, headers: { ...req.headers, host: api.host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      fwd.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(fwd);
      return;
    }
    let file = normalize(join(DIST, decodeURIComponent(url.pathname)));
    if (!file.startsWith(DIST) || !existsSync(file) || statSync(file).isDirectory()) file = join(DIST, 'index.html');
    const size = statSync(file).size;
    const headers = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Accept-Ranges': 'bytes' };
    headers['Cache-Control'] = url.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = range[1] ? Number(range[1]) : 0;
      const end = range[2] ? Number(range[2]) : size - 1;
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': end - start + 1 });
      createReadStream(file, { start, end }).pipe(res);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${port}`, stop: () => server.close() };
}

/** The app's address: qualify itself when it serves web/dist, else the static front. */
export async function startApp() {
  const backend = await startBackend();
  let front = null;
  // WEB_E2E_FRONT=static serves web/dist from node even when qualify could.
  const probe = process.env.WEB_E2E_FRONT === 'static' ? null : await fetch(`${backend.base}/courses/1`).catch(() => null);
  const servesApp = probe?.ok && (await probe.text()).includes('<div id="app">');
  if (!servesApp) front = await startFront(backend.base);
  return {
    base: front?.base ?? backend.base,
    api: backend.base,
    servedByQualify: !!servesApp,
    database: backend.database,
    dir: backend.dir,
    async stop() {
      front?.stop();
      await backend.stop();
    },
  };
}
