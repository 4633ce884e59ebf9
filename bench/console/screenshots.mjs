#!/usr/bin/env node
// Screenshots for docs/console.md, in English and Chinese, of a real console with a real Flink sandbox.
//
//   node bench/console/screenshots.mjs [--jar backend/target/cdc-console.jar]
//        [--sandbox flink/sandbox/target/flink-sandbox.jar] [--out docs/screenshots] [--only ds-]
//
// Starts the sandbox and the console on 127.0.0.1 (temporary home), registers the sandbox and an unreachable
// cluster, creates a few values->values pipelines (one with a second version, run once to the end; one left
// running), then takes 1280x800 PNGs of: sign-in, the pipelines list, versions tab with the diff, start dialog, stop
// dialog, the savepoints tab (periodic schedule, a failed savepoint) and a cluster's savepoint default, runs tab, a
// running run's health (verdict and chart), clusters, orphans, the "me" page, users, API tokens (the list, a new one,
// its one-time secret), the audit trail,
// named secrets and a pipeline's audited reveal (the confirmation, then the values), each as <name>-en.png and
// <name>-zh.png in --out. Stops everything at the end.
// For the DolphinScheduler pages a stand-in DS API server (127.0.0.1) accepts one token and one project: the
// connections page after "test connection", a pipeline's DS tab (a delivered and a refused delivery), its HTTP task
// definitions, a cluster's page and the cluster edit form. The alerts page: what fires, the rules, the channels after
// "Send test" to a webhook nobody listens on, and its failing deliveries. --only ds-,cluster-edit takes just the shots whose names start so.
import { createServer } from 'node:http';
import { join } from 'node:path';
import {
  REPO, api, launchChromium, log, options, run, signInPage, sleep, startConsole, startSandbox, valuesYaml,
} from './lib.mjs';

const opt = options({ jar: undefined, sandbox: undefined, out: join(REPO, 'docs', 'screenshots'), only: '' });
const DS_TOKEN = 'ds-bench-token-5f1c';

/** Behaves as DS's API does for the console: 401 without the token; project 1001's workflows start, others are offline. */
function standInDolphinScheduler() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const send = (status, body) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      if (req.headers.token !== DS_TOKEN) return send(401);
      if (req.url.endsWith('/users/get-user-info')) return send(200, { code: 0, msg: 'success', data: { userName: 'etl-bot' } });
      if (req.url.includes('/projects/1001/')) return send(200, { code: 0, msg: 'success', data: [4242] });
      return send(200, { code: 50004, msg: 'workflow definition not online' });
    });
  });
  return new Promise((res) => server.listen(0, '127.0.0.1', () => res(server)));
}

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
    // health samples every 2 s, so that the run page's chart has points by the time it is shot
    startConsole({ ...(opt.jar ? { jar: opt.jar } : {}), env: { CDC_CONSOLE_RUN_METRICS_INTERVAL: '2s' } }),
  ]);
  const base = consoleProc.base;
  const { call, must } = await api(base);
  const sb = await must('POST', '/clusters', {
    name: 'flink-sandbox', restUrl: sandbox.url, cdc: { mode: 'provided', version: '3.2.0' },
    labels: { env: 'dev' }, description: 'Local Flink 1.20 session cluster',
  });
  const prod = await must('POST', '/clusters', {
    name: 'flink-prod-eu', restUrl: 'http://127.0.0.1:9', cdc: { mode: 'provided', version: '3.2.0' },
    auth: { type: 'basic', username: 'flink-ops', password: 'bench-cluster-password' },
    headers: { 'X-Gateway-Key': 'bench-gateway-key', 'X-Team': 'platform' },
    labels: { env: 'prod', region: 'eu' }, description: 'Production session cluster (Frankfurt)',
  });
  const ds = await standInDolphinScheduler();
  await must('POST', '/ds-connections', { name: 'ds-prod', url: `http://127.0.0.1:${ds.address().port}`, version: '3.3',
    token: DS_TOKEN, description: 'Scheduling cluster (Frankfurt)' });
  await must('POST', '/ds-connections', { name: 'ds-legacy', url: 'http://127.0.0.1:9', version: '3.2', token: 'x' });
  // alerting: a webhook nobody listens on (its deliveries fail and are retried), a robot (its URL masked), rules, a silence
  await must('POST', '/alert-channels', { name: 'ops-webhook', type: 'webhook', description: 'On-call gateway',
    config: { url: 'http://127.0.0.1:9/alerts', secret: 'bench-webhook-secret' } });
  const robot = await call('POST', '/alert-channels', { name: 'team-dingtalk', type: 'dingtalk', description: 'Data team group',
    config: { url: 'http://127.0.0.1:9/robot/send?access_token=bench-robot-token', secret: 'bench-robot-sign' } });
  if (robot.status !== 201) log(`dingtalk channel: ${robot.status} ${JSON.stringify(robot.json)}`);
  await must('POST', '/alert-rules', { name: 'run-failed', kind: 'RUN_STATE', values: ['FAILED', 'LOST', 'FAILED_TO_SUBMIT'],
    severity: 'CRITICAL', channels: ['ops-webhook'] });
  await must('POST', '/alert-rules', { name: 'shop-lag', selector: { team: 'shop' }, kind: 'LAG', thresholdMs: 300000,
    periods: 3, forMs: 60000, severity: 'WARNING', channels: ['ops-webhook'] });
  const create = (name, yaml, labels, comment) =>
    must('POST', '/pipelines', { name, clusterId: sb.id, yaml, labels, comment });
  const inventory = await create('inventory-sync', valuesYaml('inventory_v1'), { team: 'shop' }, 'first version');
  const v2 = valuesYaml('inventory_v2').replace('  parallelism: 1', '  parallelism: 1\n  name: inventory-sync\n  schema.change.behavior: evolve');
  const put = await call('PUT', `/pipelines/${inventory.id}`, { name: 'inventory-sync', clusterId: sb.id, yaml: v2,
    labels: { team: 'shop' }, comment: 'own sink table, evolve schema changes' }, { 'If-Match': `"${inventory.version}"` });
  if (put.status !== 200) throw new Error(`PUT inventory-sync: ${put.status} ${JSON.stringify(put.json)}`);
  const demo = await create('demo-values', valuesYaml('demo', { keepsRunning: true }), { team: 'platform' }, 'demo');
  // fires while demo-values runs: something on the Firing tab
  const running = await call('POST', '/alert-rules', { name: 'demo-running', pipeline: 'demo-values', kind: 'RUN_STATE',
    values: ['RUNNING'], severity: 'INFO', channels: ['ops-webhook'] });
  if (running.status !== 201) log(`demo-running rule: ${running.status} ${JSON.stringify(running.json)}`);
  await create('audit-log-copy', valuesYaml('audit'), { team: 'crm' }, 'not started yet');
  await must('POST', '/alert-silences', { pipeline: 'audit-log-copy', until: new Date(Date.now() + 7 * 86400e3).toISOString(),
    reason: 'source database migration' });
  await must('POST', `/pipelines/${demo.id}/triggers`, { connection: 'ds-prod', onState: 'RUNNING', projectCode: '1001',
    workflowCode: '2002', params: { bizdate: '2026-11-29', source: 'demo-values' } });
  await must('POST', `/pipelines/${demo.id}/triggers`, { connection: 'ds-prod', onState: 'FAILED', projectCode: '1002',
    workflowCode: '3003' });
  await must('POST', `/pipelines/${demo.id}/triggers`, { connection: 'ds-prod', onState: 'RUNNING', projectCode: '1002',
    workflowCode: '3004' });
  const r1 = await must('POST', `/pipelines/${inventory.id}/runs`, { fromSavepoint: 'none' });
  const r2 = await must('POST', `/pipelines/${demo.id}/runs`, { fromSavepoint: 'none' });
  await waitRun(must, r1.id, ['FINISHED', 'FAILED', 'FAILED_TO_SUBMIT']);
  await waitRun(must, r2.id, ['RUNNING']);
  // periodic savepoints: a cluster default, and a savepoint Flink cannot write, kept in the ledger with its cause
  await must('PUT', `/clusters/${sb.id}/savepoint-schedule`, { interval: '6h' });
  await call('POST', `/pipelines/${demo.id}/savepoints`, { targetDirectory: 'file:///proc/cdc-console-shots' });
  for (let i = 0; i < 240; i++) {
    const ledger = await must('GET', `/pipelines/${demo.id}/savepoints`);
    if (ledger.items.some((e) => e.state === 'FAILED')) break;
    await sleep(500);
  }
  // administration: users, tokens, a named secret used by a pipeline (its values shown only after an audited reveal)
  await must('POST', '/users', { username: 'olivia', password: 'Olivia-Shots-Pass-1', role: 'operator' });
  const victor = await must('POST', '/users', { username: 'victor', password: 'Victor-Shots-Pass-1', role: 'viewer' });
  await must('PATCH', `/users/${victor.id}`, { disabled: true });
  await must('PUT', '/secrets/warehouse-db', { value: 'Shots-Named-Secret-1', description: 'MySQL of the warehouse' });
  await must('PUT', '/secrets/doris-root', { value: 'Shots-Named-Secret-2', description: 'Doris root (unused)' });
  const orders = await must('POST', '/pipelines', {
    name: 'orders-to-doris', clusterId: (await must('GET', '/clusters')).items.find((c) => c.name === 'flink-prod-eu').id,
    labels: { team: 'shop' }, comment: 'MySQL to Doris',
    yaml: 'source:\n  type: mysql\n  hostname: db.internal\n  port: 3306\n  username: cdc\n  password: "${secret:warehouse-db}"\n'
      + '  tables: shop.orders\nsink:\n  type: doris\n  fenodes: doris.internal:8030\n  username: root\n  password: "inline-shots-secret"\n'
      + 'pipeline:\n  parallelism: 1\n',
  });
  await must('POST', '/tokens', { name: 'ds-orders', role: 'operator', expiresInDays: 90, scope: { pipelines: ['orders-to-doris'], labels: { team: 'shop' } } });
  await must('POST', '/tokens', { name: 'ci-readonly', role: 'viewer' });
  await call('PATCH', `/users/1`, { role: 'viewer' }); // refused: the last admin, on record in the audit trail
  log('data ready');

  const browser = await launchChromium();
  for (const [lang, locale] of [['en', 'en-US'], ['zh', 'zh-CN']]) {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const shot = async (name) => {
      if (!opt.only.split(',').some((p) => name.startsWith(p))) return;
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

    await page.goto(`${base}/pipelines/${demo.id}/savepoints`);
    await page.getByTestId('savepoint-failed').first().waitFor();
    await page.getByTestId('schedule-effective').waitFor();
    await shot('pipeline-savepoints');

    await page.goto(`${base}/clusters/${sb.id}`);
    await page.getByTestId('cluster-schedule-current').waitFor();
    await shot('cluster-savepoints');
    // the running values job: its verdict, lag (the values source reports none) and the health chart
    await page.goto(`${base}/runs/${r2.id}`);
    await page.getByTestId('run-health').waitFor({ timeout: 60_000 });
    await page.getByTestId('health-chart').waitFor({ timeout: 60_000 });
    await shot('run-health');

    await page.goto(`${base}/clusters`);
    await page.locator('[data-testid="cluster-status"][data-status="HEALTHY"]').first().waitFor();
    await page.locator('[data-testid="cluster-status"][data-status="UNREACHABLE"]').first().waitFor({ timeout: 60_000 });
    await shot('clusters');

    await page.goto(`${base}/orphans`);
    await page.getByTestId('orphans-page').waitFor();
    await page.waitForTimeout(1500);
    await shot('orphans');

    await page.goto(`${base}/ds-connections`);
    const dsRow = page.locator('tr', { hasText: 'ds-prod' });
    await dsRow.getByTestId('ds-connection-test').click();
    await dsRow.getByTestId('ds-test-outcome').waitFor();
    await page.locator('tr', { hasText: 'ds-legacy' }).getByTestId('ds-connection-test').click();
    await page.locator('tr', { hasText: 'ds-legacy' }).getByTestId('ds-test-outcome').waitFor();
    await shot('ds-connections');

    await page.goto(`${base}/pipelines/${demo.id}/ds`);
    await page.locator('[data-testid="ds-delivery-status"][data-status="DELIVERED"]').first().waitFor({ timeout: 60_000 });
    await shot('ds-pipeline');
    await page.getByTestId('ds-token-create').click();
    await page.getByTestId('ds-token-created').waitFor();
    await page.getByTestId('ds-snippet-start').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, -240));
    await shot('ds-snippets');

    // the sandbox's page: its Flink CDC line (mode, version, stated or detected) and any Flink CDC warnings
    await page.goto(`${base}/clusters/${sb.id}`);
    await page.getByTestId('cluster-cdc').waitFor();
    await shot('cluster-page');

    await page.goto(`${base}/clusters/${prod.id}`);
    await page.getByTestId('cluster-page').waitFor();
    await page.getByTestId('cluster-page').getByRole('button').first().click();
    await page.getByTestId('cluster-form').waitFor();
    await shot('cluster-edit');
    await page.keyboard.press('Escape');

    await page.goto(`${base}/me`);
    await page.getByTestId('me-page').waitFor();
    await page.waitForTimeout(1000);
    await shot('me');

    await page.goto(`${base}/users`);
    await page.getByTestId('users-page').locator('.ant-table-row').first().waitFor();
    await shot('users');

    await page.goto(`${base}/tokens`);
    await page.getByTestId('tokens-page').locator('.ant-table-row').first().waitFor();
    await shot('tokens');
    await page.getByTestId('add-token').click();
    await page.getByTestId('token-name').fill(`shots-${lang}`);
    await page.getByTestId('token-labels').fill('team=shop');
    await shot('token-new');
    await page.getByTestId('create-token').click();
    await page.getByTestId('token-secret').waitFor();
    await shot('token-secret');
    await page.getByTestId('token-done').click();

    await page.goto(`${base}/audit?action=user.`);
    await page.getByTestId('audit-table').locator('.ant-table-row').first().click();
    await page.locator('[data-testid^=audit-detail-]').first().waitFor();
    await shot('audit');

    await page.goto(`${base}/secrets`);
    await page.getByTestId('used-by-warehouse-db').waitFor();
    await shot('secrets');

    await page.goto(`${base}/pipelines/${orders.id}`);
    await page.getByTestId('reveal-secrets').click();
    await page.getByTestId('reveal-confirm').waitFor();
    await shot('reveal-confirm');
    await page.getByTestId('reveal-confirm').click();
    await page.getByTestId('revealed').waitFor();
    await shot('reveal');

    await page.goto(`${base}/alerts`);
    await page.getByTestId('alerts-firing').locator('.ant-table-row').first().waitFor({ timeout: 60_000 }).catch(() => {});
    await shot('alerts');
    const tab = (i) => page.getByTestId('alerts-page').getByRole('tab').nth(i).click();
    await tab(1);
    await page.getByTestId('alert-rules').locator('.ant-table-row').first().waitFor();
    await shot('alerts-rules');
    await tab(2);
    const hookRow = page.locator('tr', { hasText: 'ops-webhook' });
    await hookRow.getByTestId('alert-channel-test').click();
    await hookRow.getByTestId('alert-test-outcome').waitFor({ timeout: 60_000 });
    await shot('alerts-channels');
    await tab(4);
    await page.getByTestId('alert-deliveries').locator('.ant-table-row').first().waitFor({ timeout: 60_000 });
    await shot('alerts-deliveries');
    await context.close();
  }
  ds.close();
});
