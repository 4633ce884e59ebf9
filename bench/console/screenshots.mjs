#!/usr/bin/env node
// Screenshots for docs/console.md, in English and Chinese, of a real console with a real Flink sandbox.
//
//   node bench/console/screenshots.mjs [--jar backend/target/cdc-console.jar]
//        [--sandbox flink/sandbox/target/flink-sandbox.jar] [--out docs/screenshots]
//
// Starts the sandbox and the console on 127.0.0.1 (temporary home), registers the sandbox and an unreachable
// cluster, creates a few values->values pipelines (one with a second version, run once to the end; one left
// running), then takes 1280x800 PNGs of: sign-in, the pipelines list, versions tab with the diff, start dialog, stop dialog, runs tab,
// clusters, orphans and the "me" page, each as <name>-en.png and <name>-zh.png in --out. Stops everything at the end.
import { join } from 'node:path';
import {
  REPO, api, launchChromium, log, options, run, signInPage, sleep, startConsole, startSandbox, valuesYaml,
} from './lib.mjs';

const opt = options({ jar: undefined, sandbox: undefined, out: join(REPO, 'docs', 'screenshots') });

async function waitRun(must, runId, states) {
  for (let i = 0; i < 600; i++) {
    const r = await must('GET', `/runs/${runId}`);
    if (states.includes(r.state)) return r;
    await sleep(500);
  }
  throw new Error(`run ${runId} never reached ${states}`);
}

run(async () => {
  const [sandbox, consoleProc] = await Promise.all([
    startSandbox(opt.sandbox ? { jar: opt.sandbox } : {}),
    startConsole(opt.jar ? { jar: opt.jar } : {}),
  ]);
  const base = consoleProc.base;
  const { call, must } = await api(base);
  const sb = await must('POST', '/clusters', {
    name: 'flink-sandbox', restUrl: sandbox.url, cdc: { mode: 'provided', version: '3.2.0' },
    labels: { env: 'dev' }, description: 'Local Flink 1.20 session cluster',
  });
  await must('POST', '/clusters', {
    name: 'flink-prod-eu', restUrl: 'http://127.0.0.1:9', cdc: { mode: 'provided', version: '3.2.0' },
    labels: { env: 'prod', region: 'eu' }, description: 'Production session cluster (Frankfurt)',
  });
  const create = (name, yaml, labels, comment) =>
    must('POST', '/pipelines', { name, clusterId: sb.id, yaml, labels, comment });
  const inventory = await create('inventory-sync', valuesYaml('inventory_v1'), { team: 'shop' }, 'first version');
  const v2 = valuesYaml('inventory_v2').replace('  parallelism: 1', '  parallelism: 1\n  name: inventory-sync\n  schema.change.behavior: evolve');
  const put = await call('PUT', `/pipelines/${inventory.id}`, { name: 'inventory-sync', clusterId: sb.id, yaml: v2,
    labels: { team: 'shop' }, comment: 'own sink table, evolve schema changes' }, { 'If-Match': `"${inventory.version}"` });
  if (put.status !== 200) throw new Error(`PUT inventory-sync: ${put.status} ${JSON.stringify(put.json)}`);
  const demo = await create('demo-values', valuesYaml('demo', { keepsRunning: true }), { team: 'platform' }, 'demo');
  await create('audit-log-copy', valuesYaml('audit'), { team: 'crm' }, 'not started yet');
  const r1 = await must('POST', `/pipelines/${inventory.id}/runs`, { fromSavepoint: 'none' });
  const r2 = await must('POST', `/pipelines/${demo.id}/runs`, { fromSavepoint: 'none' });
  await waitRun(must, r1.id, ['FINISHED', 'FAILED', 'FAILED_TO_SUBMIT']);
  await waitRun(must, r2.id, ['RUNNING']);
  log('data ready');

  const browser = await launchChromium();
  for (const [lang, locale] of [['en', 'en-US'], ['zh', 'zh-CN']]) {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const shot = async (name) => {
      await page.waitForTimeout(600); // animations (dialogs, tabs) settle
      await page.screenshot({ path: join(opt.out, `${name}-${lang}.png`) });
      log(`${name}-${lang}.png`);
    };
    await page.goto(`${base}/login`);
    await page.getByTestId('login-username').fill('admin');
    await shot('login');
    await signInPage(page, base, { navigate: false });

    await page.goto(`${base}/pipelines`);
    await page.locator('[data-testid="pipelines-table"] [data-state="RUNNING"]').first().waitFor();
    await shot('pipelines');

    await page.goto(`${base}/pipelines/${inventory.id}/versions`);
    await page.locator('.cm-mergeView, .cm-merge-a, .cm-editor').first().waitFor();
    await shot('pipeline-versions');

    // A typo in the YAML tab: the server's validation marks the line and lists the problem (nothing is saved).
    await page.goto(`${base}/pipelines/${inventory.id}/yaml`);
    const editor = page.locator('[data-testid="pipeline-page"] .cm-content').first();
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText(v2.replace('  type: values\n  event-set', '  type: valuez\n  event-set'));
    await page.locator('.cm-lintRange-error, .cm-lint-marker-error').first().waitFor({ timeout: 30_000 });
    await shot('pipeline-yaml-error');

    await page.goto(`${base}/pipelines/${inventory.id}/runs`);
    await page.locator('[data-testid="pipeline-page"] .ant-table-row').first().waitFor();
    await shot('pipeline-runs');

    await page.getByTestId('pipeline-page').getByTestId('action-start').click();
    await page.getByTestId('start-dialog').waitFor();
    await shot('start-dialog');
    await page.keyboard.press('Escape');

    await page.goto(`${base}/pipelines/${demo.id}/overview`);
    await page.locator('[data-testid="pipeline-page"] [data-state="RUNNING"]').first().waitFor();
    await page.getByTestId('pipeline-page').getByTestId('action-stop').click();
    await page.getByTestId('stop-dialog').waitFor();
    await shot('stop-dialog');
    await page.keyboard.press('Escape');

    await page.goto(`${base}/clusters`);
    await page.locator('[data-testid="cluster-status"][data-status="HEALTHY"]').first().waitFor();
    await page.locator('[data-testid="cluster-status"][data-status="UNREACHABLE"]').first().waitFor({ timeout: 60_000 });
    await shot('clusters');

    await page.goto(`${base}/orphans`);
    await page.getByTestId('orphans-page').waitFor();
    await page.waitForTimeout(1500);
    await shot('orphans');

    await page.goto(`${base}/me`);
    await page.getByTestId('me-page').waitFor();
    await page.waitForTimeout(1000);
    await shot('me');
    await context.close();
  }
});
