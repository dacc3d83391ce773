// The web app in a real browser against a real server and database (issue: squeaky serve).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { asOf, freePort, password, shot, signIn, squeaky, startBusiness } from './harness.mjs';

let business;
before(async () => {
  business = await startBusiness();
});
after(async () => {
  if (business) await business.stop();
});

const usd = (amount, currency) => new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);
const journalEntries = () => JSON.parse(squeaky(business.dir, ['verify', '--json'])).entries;

test('the dashboard shows the same aging, to the cent, as `squeaky aging --json`', async () => {
  const { context, page } = await signIn(business, 'olive');
  const aging = JSON.parse(squeaky(business.dir, ['aging', '--as-of', asOf, '--json']));
  const currencies = Object.keys(aging.currencies);
  assert.ok(currencies.length > 0);
  for (const currency of currencies) {
    const card = page.locator(`article[data-currency="${currency}"]`);
    for (const bucket of ['current', '1-30', '31-60', '61-90', '90+', 'total']) {
      assert.equal(
        await card.locator(`td[data-bucket="${bucket}"]`).textContent(),
        usd(aging.currencies[currency][bucket], currency),
        `${currency} ${bucket}`,
      );
    }
  }
  await shot(page, 'dashboard');
  await context.close();
});

test('a collector logs a call with a promise from the worklist and sees it on the timeline', async () => {
  const { context, page } = await signIn(business, 'colin');
  await page.getByRole('link', { name: 'Worklist' }).click();
  const first = page.locator('ol.worklist > li').first();
  await first.waitFor();
  const customer = await first.getAttribute('data-customer');
  await shot(page, 'worklist');
  await first.getByRole('button', { name: 'Log call' }).click();
  const form = page.getByRole('form', { name: `Log a call to ${customer}` });
  await form.getByLabel('Outcome').selectOption('promise');
  await form.getByLabel(/Amount/).fill('125.50');
  await form.getByLabel('Will pay on').fill('2026-04-07');
  await form.getByLabel('Note').fill('will pay next Tuesday');
  await form.getByRole('button', { name: 'Log call' }).click();
  await page.getByRole('status').filter({ hasText: `Logged: ${customer}` }).waitFor();

  await page.goto(`${business.url}/#/customer/${encodeURIComponent(customer)}`);
  const entry = page.locator('ol.timeline li[data-kind="call.logged"]').first();
  await entry.waitFor();
  assert.match(await entry.textContent(), /by user colin/);
  const promise = page.locator('li[data-promise="2026-04-07"]');
  await promise.waitFor();
  assert.match(await promise.textContent(), /125\.50/);
  await shot(page, 'customer');
  await context.close();
});

test('a viewer sees no way to log a call, and a forged request is refused and changes nothing', async () => {
  const { context, page } = await signIn(business, 'vera');
  await page.getByRole('link', { name: 'Worklist' }).click();
  await page.locator('ol.worklist > li').first().waitFor();
  assert.equal(await page.getByRole('button', { name: 'Log call' }).count(), 0);
  const customer = await page.locator('ol.worklist > li').first().getAttribute('data-customer');
  const before = journalEntries();
  const answer = await page.evaluate(async (c) => {
    const r = await fetch('/api/v1/calls', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('squeaky.csrf') },
      body: JSON.stringify({ customer: c, outcome: 'no-answer' }),
    });
    return { status: r.status, body: await r.json() };
  }, customer);
  assert.equal(answer.status, 403);
  assert.equal(answer.body.error.code, 'forbidden');
  assert.equal(journalEntries(), before);
  await context.close();
});

test('the owner holds a message back from the outbox and approves it again', async () => {
  const { context, page } = await signIn(business, 'olive');
  await page.getByRole('link', { name: 'Outbox' }).click();
  const first = page.locator('tr[data-item]').first();
  await first.waitFor();
  const id = await first.getAttribute('data-item');
  const status = () => JSON.parse(squeaky(business.dir, ['outbox', '--json'])).items.find((i) => String(i.id) === id).status;
  assert.equal(status(), 'queued');
  await first.getByRole('button', { name: 'Hold' }).click();
  await page.locator(`tr[data-item="${id}"]`).waitFor({ state: 'detached' });
  assert.equal(status(), 'held');
  await page.getByLabel('Show').selectOption('held');
  const held = page.locator(`tr[data-item="${id}"]`);
  await held.waitFor();
  await shot(page, 'outbox-held');
  await held.getByRole('button', { name: 'Approve' }).click();
  await held.waitFor({ state: 'detached' });
  assert.equal(status(), 'queued');
  const journal = JSON.parse(squeaky(business.dir, ['verify', '--json']));
  assert.equal(journal.intact, true);
  await context.close();
});

test('an import with a bad row lists it and changes nothing', async () => {
  const { context, page } = await signIn(business, 'olive');
  await page.getByRole('link', { name: 'Import' }).click();
  const before = journalEntries();
  await page.getByLabel('What the file holds').selectOption('invoices');
  await page.getByLabel('CSV file').setInputFiles({
    name: 'march.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('id,customer_id,issue_date,due_date,amount,currency\nINV-9001,C0001,2026-03-01,2026-02-30,10.00,USD\n'),
  });
  await page.getByRole('button', { name: 'Import' }).click();
  const rows = page.getByRole('list', { name: 'Rows to correct' });
  await rows.waitFor();
  assert.equal(await rows.locator('li').first().textContent(), "invoices.csv:2: column 'due_date': '2026-02-30' is not a date");
  assert.equal(journalEntries(), before);
  await shot(page, 'import-errors');
  await context.close();
});

test('a change without the CSRF token is refused', async () => {
  const { context, page } = await signIn(business, 'colin');
  const customer = JSON.parse(squeaky(business.dir, ['worklist', '--as-of', asOf, '--json'])).calls[0].customer;
  const before = journalEntries();
  const answer = await page.evaluate(async (c) => {
    const r = await fetch('/api/v1/calls', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ customer: c, outcome: 'no-answer' }),
    });
    return { status: r.status, body: await r.json() };
  }, customer);
  assert.equal(answer.status, 403);
  assert.equal(answer.body.error.code, 'csrf');
  assert.equal(journalEntries(), before);
  await context.close();
});

test('every page renders at laptop and phone width', async () => {
  for (const [width, height, suffix] of [
    [1280, 900, 'laptop'],
    [390, 844, 'phone'],
  ]) {
    const { context, page } = await signIn(business, 'olive', { width, height });
    for (const name of ['dashboard', 'worklist', 'customers', 'outbox', 'import', 'plan']) {
      await page.goto(`${business.url}/#/${name}`);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      assert.equal(await page.getByRole('alert').count(), 0, `${name} shows an error at ${suffix} width`);
      await shot(page, `${name}-${suffix}`);
    }
    await context.close();
  }
});

test('the first-run screen makes the owner of a new database', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { spawn } = await import('node:child_process');
  const dir = mkdtempSync(join(tmpdir(), 'squeaky-first-'));
  squeaky(dir, ['init']);
  const port = await freePort();
  const server = spawn(process.env.SQUEAKY_BIN, ['--db', join(dir, 'squeaky.db'), 'serve', '--no-schedule', '--listen', `127.0.0.1:${port}`], {
    stdio: 'ignore',
  });
  try {
    for (let i = 0; i < 100; ++i) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
      } catch {
        // not yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const context = await business.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.getByRole('button', { name: 'Create the owner and sign in' }).waitFor();
    await shot(page, 'first-run');
    await page.getByLabel('Name').fill('owen');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create the owner and sign in' }).click();
    await page.getByRole('link', { name: 'Dashboard' }).waitFor();
    assert.match(await page.locator('.who').textContent(), /owen\s*owner/);
    await context.close();
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r() : server.on('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
});

// Last: the failures also count against the address all these tests come from.
test('wrong passwords lock the account, and then even the right one is refused', async () => {
  squeaky(business.dir, ['user', 'add', 'lena', '--role', 'viewer'], { SQUEAKY_PASSWORD: password });
  const context = await business.browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(business.url + '/');
  const attempt = async (pw) => {
    await page.getByLabel('Name').fill('lena');
    await page.getByLabel('Password').fill(pw);
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/session')),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    // The error and the enabled button come in the same render.
    await page.waitForFunction(() => !document.querySelector('button[type=submit]').disabled);
    return page.getByRole('alert').textContent();
  };
  for (let i = 0; i < 5; ++i) assert.match(await attempt('not the password ' + i), /wrong name or password/);
  assert.match(await attempt(password), /too many failed logins; try again in \d+ seconds/);
  await shot(page, 'locked');
  await context.close();
});
