// What the browser tests stand on: a ledger made by the real squeaky binary in a scratch folder,
// a real `squeaky serve` on a free loopback port, and Debian's Chromium driven by playwright-core.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const bin = process.env.SQUEAKY_BIN;
export const artifacts = process.env.SQUEAKY_ARTIFACTS || join(tmpdir(), 'squeaky-web-artifacts');
export const asOf = '2026-03-31';
export const password = 'correct horse battery';
if (!bin) throw new Error('set SQUEAKY_BIN to the squeaky binary');
mkdirSync(artifacts, { recursive: true });

// Runs the CLI on the test's database; throws with what it printed when it fails.
export function squeaky(dir, args, env = {}) {
  const r = spawnSync(bin, ['--db', join(dir, 'squeaky.db'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, SQUEAKY_NOW: `${asOf}T15:00:00Z`, ...env },
  });
  if (r.status !== 0) throw new Error(`squeaky ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// A small business: generated customers, invoices, payments and credits, the day's run, and one
// user of each role.
export async function startBusiness() {
  const dir = mkdtempSync(join(tmpdir(), 'squeaky-web-'));
  const data = join(dir, 'data');
  spawnSync(bin, ['gen', '--customers', '30', '--invoices', '240', '--seed', '11', '--as-of', asOf, data]);
  for (const kind of ['customers', 'invoices', 'payments', 'credits']) {
    squeaky(dir, ['import', kind, join(data, `${kind}.csv`)]);
  }
  squeaky(dir, ['run', '--as-of', asOf]);
  for (const [name, role] of [
    ['olive', 'owner'],
    ['colin', 'collector'],
    ['vera', 'viewer'],
  ]) {
    squeaky(dir, ['user', 'add', name, '--role', role], { SQUEAKY_PASSWORD: password });
  }
  const port = await freePort();
  // --no-schedule: the day was run above, and nothing may change under the tests by itself (the
  // server's own run and sending have a test of their own, tests/e2e/serve_schedule.sh).
  const server = spawn(bin, ['--db', join(dir, 'squeaky.db'), 'serve', '--no-schedule', '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    env: { ...process.env, SQUEAKY_NOW: `${asOf}T15:00:00Z` },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  server.stderr.on('data', (chunk) => (log += chunk));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; ++i) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (server.exitCode !== null || i > 100) throw new Error(`squeaky serve did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    dir,
    url,
    browser,
    serverLog: () => log,
    async stop() {
      await browser.close();
      server.kill('SIGTERM');
      await new Promise((r) => (server.exitCode !== null ? r() : server.on('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A fresh browser context (its own cookies), signed in through the sign-in page.
export async function signIn(business, name, { width = 1280, height = 900 } = {}) {
  const context = await business.browser.newContext({ viewport: { width, height }, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(business.url + '/');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Dashboard' }).waitFor();
  return { context, page };
}

export async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}
