#!/usr/bin/env node
// Budget (a): the JavaScript a browser loads for sign-in and then the overview, gzip'd. Budget: <= 350 KB.
//
//   node bench/console/first-load.mjs [--jar backend/target/cdc-console.jar] [--loads 3]
//
// (after `npm ci` in bench/console and `./mvnw -B -q -DskipTests package` at the top of the repository, which also
// builds the SPA into the jar). Starts the jar on 127.0.0.1 with a temporary home, opens /login in a fresh headless
// Chromium context (empty cache), signs in through the form and waits for the overview, and sums every JavaScript
// response the page fetched: the bytes on the wire (the console gzips; Content-Encoding is checked) and, for
// comparison with `npm run size` in frontend/, gzip -9 of the decoded body. Repeated --loads times (the sizes must
// not differ between loads: a difference is reported). Stops the console and Chromium at the end.
import { gzipSync } from 'node:zlib';
import { api, launchChromium, log, options, run, signInPage, startConsole } from './lib.mjs';

const BUDGET_KB = 350;
const opt = options({ jar: undefined, loads: '3' });

async function oneLoad(browser, base) {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const scripts = [];
  let phase = 'login';
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (!url.pathname.endsWith('.js') && response.request().resourceType() !== 'script') return;
    const entry = { phase, path: url.pathname, encoding: response.headers()['content-encoding'] ?? 'identity' };
    scripts.push(entry);
    try {
      const body = await response.body();
      entry.raw = body.length;
      entry.gzip9 = gzipSync(body, { level: 9 }).length;
      entry.wire = (await response.request().sizes()).responseBodySize;
    } catch (e) {
      entry.error = e.message;
    }
  });
  await page.goto(`${base}/login`);
  await page.getByTestId('login-submit').waitFor();
  await page.waitForLoadState('load');
  phase = 'overview';
  await signInPage(page, base, { navigate: false });
  await page.getByTestId('overview-page').waitFor();
  // The overview's lazy parts (if any) come after its first render: wait until no script arrived for 2 s.
  let count = -1;
  while (count !== scripts.length) {
    count = scripts.length;
    await page.waitForTimeout(2000);
  }
  await context.close();
  return scripts;
}

run(async () => {
  const loads = Number(opt.loads);
  const consoleProc = await startConsole(opt.jar ? { jar: opt.jar } : {});
  await api(consoleProc.base); // the admin exists and signs in
  const browser = await launchChromium();
  const results = [];
  for (let i = 0; i < loads; i++) {
    results.push(await oneLoad(browser, consoleProc.base));
    log(`load ${i + 1}/${loads}: ${results[i].length} scripts`);
  }
  const key = (s) => s.map((e) => `${e.phase} ${e.path} ${e.wire}`).sort().join('\n');
  if (new Set(results.map(key)).size !== 1) console.log('NOTE: the loads fetched different scripts or sizes; the first is shown');
  const scripts = results[0];
  const kb = (n) => (n / 1024).toFixed(1).padStart(7);
  console.log('phase     wire KB  gzip-9 KB   raw KB  encoding  file');
  for (const s of scripts) {
    if (s.error) throw new Error(`${s.path}: ${s.error}`);
    console.log(`${s.phase.padEnd(9)}${kb(s.wire)}  ${kb(s.gzip9)}  ${kb(s.raw)}  ${s.encoding.padEnd(8)}  ${s.path}`);
  }
  const sum = (f, ph) => scripts.filter((s) => !ph || s.phase === ph).reduce((a, s) => a + s[f], 0);
  for (const ph of ['login', 'overview', undefined]) {
    console.log(`${(ph ?? 'total').padEnd(9)}${kb(sum('wire', ph))}  ${kb(sum('gzip9', ph))}  ${kb(sum('raw', ph))}`
      + `            ${scripts.filter((s) => !ph || s.phase === ph).length} files`);
  }
  const notGzip = scripts.filter((s) => s.encoding !== 'gzip');
  if (notGzip.length) console.log(`NOTE: not gzip'd on the wire: ${notGzip.map((s) => s.path).join(', ')}`);
  const total = sum('wire', undefined) / 1024;
  console.log(`RESULT first-load JS (sign-in + overview, gzip on the wire): ${total.toFixed(1)} KB; budget ${BUDGET_KB} KB: `
    + (total <= BUDGET_KB ? 'MET' : 'MISSED'));
});
