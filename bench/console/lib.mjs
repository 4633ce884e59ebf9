// Shared by the console budget scripts: a real console (java -jar) on loopback with a temporary home, the Flink
// sandbox, Debian's Chromium through playwright-core, the API as admin, and the statistics. Everything a script
// starts is registered here and stopped on exit (also on Ctrl+C and on an error).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, createWriteStream, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_JAR = join(REPO, 'backend', 'target', 'cdc-console.jar');
export const DEFAULT_SANDBOX = join(REPO, 'flink', 'sandbox', 'target', 'flink-sandbox.jar');
export const CHROMIUM = process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium';
export const ADMIN_PASSWORD = 'bench-admin-password-1';

const cleanups = [];
let cleaning = null;

/** Runs every registered cleanup, newest first, once. */
export function cleanup() {
  cleaning ??= (async () => {
    while (cleanups.length) {
      const fn = cleanups.pop();
      try {
        await fn();
      } catch (e) {
        console.error('cleanup:', e.message);
      }
    }
  })();
  return cleaning;
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => cleanup().then(() => process.exit(130)));
}

/** Runs main, then always cleans up; exit code 1 on an error. */
export async function run(main) {
  let code = 0;
  try {
    await main();
  } catch (e) {
    console.error(e.stack ?? e);
    code = 1;
  }
  await cleanup();
  process.exit(code);
}

export function log(...args) {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
}

/** `--name value` options with defaults; numbers stay strings for the caller to parse. */
export function options(defaults) {
  const out = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([\w-]+)$/.exec(argv[i]);
    if (!m || !(m[1] in defaults)) throw new Error(`unknown argument ${argv[i]}; options: ${Object.keys(defaults).join(', ')}`);
    out[m[1]] = argv[++i];
  }
  return out;
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export { sleep };

/** Stops a child: SIGTERM, then SIGKILL after graceMs. */
function stopChild(child, graceMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      res();
    });
    child.kill('SIGTERM');
  });
}

/** A temporary directory removed at exit. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Starts `java -jar JAR` on 127.0.0.1 with a fresh CDC_CONSOLE_HOME under /tmp and waits for GET /ready 200.
 * Returns { base, port, home, log }. Its log goes to <home>/../console.log.
 */
export async function startConsole({ jar = DEFAULT_JAR, env = {}, readyTimeoutMs = 240_000 } = {}) {
  if (!existsSync(jar)) throw new Error(`no ${jar}: build it with ./mvnw -B -q -DskipTests package`);
  const dir = tempDir('cdc-console-bench-');
  const home = join(dir, 'home');
  const port = await freePort();
  const logFile = join(dir, 'console.log');
  const out = createWriteStream(logFile);
  const child = spawn('java', ['-jar', jar], {
    env: {
      ...process.env,
      CDC_CONSOLE_HOME: home,
      CDC_CONSOLE_HTTP_HOST: '127.0.0.1',
      CDC_CONSOLE_HTTP_PORT: String(port),
      CDC_CONSOLE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      // The bench signs in a handful of times; bcrypt's default cost only costs CPU on a shared machine.
      CDC_CONSOLE_PASSWORD_HASH_COST: '10',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  // Stopped before its home is removed (cleanups run newest first).
  cleanups.push(() => stopChild(child, 20_000));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  log(`console starting on ${base} (log ${logFile})`);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`console exited with ${child.exitCode}; see ${logFile}`);
    try {
      if ((await fetch(`${base}/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`console not ready after ${readyTimeoutMs} ms; see ${logFile}`);
    await sleep(250);
  }
  log('console ready');
  return { base, port, home, log: logFile };
}

/** Starts the Flink sandbox on a free loopback port; resolves with its REST URL once it prints its READY line. */
export async function startSandbox({ jar = DEFAULT_SANDBOX, readyTimeoutMs = 300_000 } = {}) {
  if (!existsSync(jar)) throw new Error(`no ${jar}: build it with ./mvnw -B -q -DskipTests package`);
  const dir = tempDir('flink-sandbox-bench-');
  const port = await freePort();
  const logFile = join(dir, 'sandbox.out');
  const child = spawn('java', ['-Xmx1g', '-jar', jar, '--port', String(port), '--work-dir', join(dir, 'work'),
    '--exit-with-pid', String(process.pid)], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.pipe(createWriteStream(logFile));
  cleanups.push(() => stopChild(child, 30_000));
  log(`sandbox starting on 127.0.0.1:${port} (stderr ${logFile})`);
  const url = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`sandbox not ready after ${readyTimeoutMs} ms; see ${logFile}`)), readyTimeoutMs);
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = /FLINK SANDBOX READY port=\d+ url=(\S+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    child.once('exit', (c) => rej(new Error(`sandbox exited with ${c}; see ${logFile}`)));
  });
  log(`sandbox ready at ${url}`);
  return { url };
}

/** The API as a signed-in user; `call` returns { status, json, headers }. */
export async function api(base, username = 'admin', password = ADMIN_PASSWORD) {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (r.status !== 200) throw new Error(`sign-in: ${r.status} ${await r.text()}`);
  const { token } = await r.json();
  const call = async (method, path, body, headers = {}) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, json, headers: res.headers };
  };
  const must = async (method, path, body, ok = [200, 201, 202, 204]) => {
    const res = await call(method, path, body);
    if (!ok.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  };
  return { token, call, must };
}

/** Debian's Chromium, headless, with the flags of the brief; closed at exit. */
export async function launchChromium() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  cleanups.push(() => browser.close());
  return browser;
}

/** Signs in through the login form of the SPA; the page ends on the overview. */
export async function signInPage(page, base, { username = 'admin', password = ADMIN_PASSWORD, navigate = true } = {}) {
  if (navigate) await page.goto(`${base}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('me-username').waitFor();
}

/** The values→values YAML of the console's template set, writing to its own sink table. */
export function valuesYaml(table, { keepsRunning = false } = {}) {
  return [
    'source:',
    '  type: values',
    '  event-set.id: SINGLE_SPLIT_SINGLE_TABLE',
    // Without checkpoints the values source stops at the injected failure and keeps the job running.
    ...(keepsRunning ? ['  failure.injection.index: 3'] : []),
    'sink:',
    '  type: values',
    'route:',
    '  - source-table: default_namespace.default_schema.table1',
    `    sink-table: default_namespace.default_schema.${table.replace(/-/g, '_')}`,
    'pipeline:',
    '  parallelism: 1',
    '',
  ].join('\n');
}

/** Nearest-rank percentile of a sorted array. */
export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summary(values) {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, min: s[0], p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] };
}

export const ms = (x) => `${x.toFixed(1)} ms`;
