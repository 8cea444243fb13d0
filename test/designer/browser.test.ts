/**
 * The designer in a real browser (playwright-core driving Debian's chromium, which `.ci/run` installs): the trade
 * sample's swimlanes and message edges, a send added from the palette and connected, text edits the graph follows,
 * a protocol error on its edge and in the panel, the last good graph of an unparsable file, format-on-save, export,
 * and the approval CorDapp simulated to the end with its prompt answered in the page. Screenshots are kept in
 * test/designer/artifacts/.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDesignServer, type DesignServer } from '../../designer/node/server.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test/designer/artifacts');
const WAIT = { timeout: 30_000 };

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/** The editor's text, as CodeMirror holds it. */
async function editorText(page: Page): Promise<string> {
  return (await page.locator('.cm-content .cm-line').allTextContents()).join('\n');
}

describe('the designer in a browser', () => {
  let context: BrowserContext;
  let profile: string;
  let work: string;
  const servers: DesignServer[] = [];

  beforeAll(async () => {
    if (!existsSync('designer/dist/index.html'))
      throw new Error('The designer is not built: run "npm run build".');
    if (!existsSync(CHROMIUM))
      throw new Error(`No browser at ${CHROMIUM}: apt-get install chromium (see .ci/run).`);
    mkdirSync(ARTIFACTS, { recursive: true });
    // the trade sample's host module imports the runtime by a relative path: the copy sits two levels down too
    mkdirSync('.tmp', { recursive: true });
    work = mkdtempSync(path.resolve('.tmp/designer-'));
    cpSync('samples/trade', path.join(work, 'trade'), { recursive: true });
    cpSync('samples/approval', path.join(work, 'approval'), { recursive: true });
    profile = mkdtempSync(path.join(os.tmpdir(), 'flows-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1600, height: 1000 },
      acceptDownloads: true,
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
    context.setDefaultTimeout(30_000);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    for (const server of servers) await server.close();
    if (work) rmSync(path.resolve(work, '..', path.basename(work)), { recursive: true, force: true });
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('edits the trade sample as text and as a graph', async () => {
    const server = await startDesignServer({ dir: path.join(work, 'trade') });
    servers.push(server);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);

    // both lanes, and the notary's through the sub-flows, with the messages between them
    const lanes = page.locator('[data-lane]');
    await expect.poll(() => lanes.allTextContents(), WAIT).toEqual(['Seller', 'Buyer', 'Notary']);
    await expect.poll(() => page.locator('.react-flow__edge.edge-message').count(), WAIT).toBeGreaterThan(5);
    await expect.poll(() => page.locator('.diagnostics .ok').count(), WAIT).toBe(1);
    await shot(page, 'trade-conversation');

    // a send from the palette: the text changes; connected to the buyer, the file checks again
    await page.getByTestId('add-send').click();
    await expect.poll(() => editorText(page), WAIT).toContain('send "" to session');
    const sendItem = page.locator('.item[data-label="send String"]').first();
    await sendItem.waitFor(WAIT);
    await expect.poll(() => page.locator('.diag').count(), WAIT).toBeGreaterThan(0);
    await sendItem.click();
    await page.getByTestId('connect').click();
    await expect.poll(() => editorText(page), WAIT).toContain('let received = receive String from session');
    await expect.poll(() => page.locator('.diagnostics .ok').count(), WAIT).toBe(1);
    await expect
      .poll(
        () => page.locator('.react-flow__edge.edge-message .react-flow__edge-text').allTextContents(),
        WAIT,
      )
      .toContain('String');
    await shot(page, 'trade-send-connected');

    // typing: the graph follows
    const sendsBefore = await page.locator('.item[data-label="send String"]').count();
    await page.locator('.cm-line', { hasText: 'let received = receive String from session' }).click();
    await page.keyboard.press('End');
    await page.keyboard.type('\nsend "thanks" to session');
    await expect
      .poll(() => page.locator('.item[data-label="send String"]').count(), WAIT)
      .toBe(sendsBefore + 1);

    // undo and redo cover graph edits and typing alike
    await page.getByTestId('undo').click();
    await expect.poll(() => page.locator('.item[data-label="send String"]').count(), WAIT).toBe(sendsBefore);

    // a protocol error: on the edge, and in the panel
    await page.locator('.cm-line', { hasText: 'let final = call TwoPartyTradeBuyer(session)' }).click();
    await page.keyboard.press('Home');
    await page.keyboard.type('let early = receive Int from session\n');
    await expect.poll(() => page.locator('.react-flow__edge.edge-error').count(), WAIT).toBeGreaterThan(0);
    // the edge is the one the checker blames (its message names the types), marked on its label
    const label = page.locator('.react-flow__edge.edge-error .react-flow__edge-text').first();
    await expect.poll(() => label.textContent(), WAIT).toMatch(/^⚠ /);
    await expect.poll(() => page.locator('.diag[data-code="protocol-mismatch"]').count(), WAIT).toBe(1);
    await shot(page, 'trade-protocol-error');

    // an unparsable file keeps its last good graph beside the errors
    await page.keyboard.type('}}} let');
    await page.getByTestId('stale').waitFor(WAIT);
    await expect.poll(() => lanes.count(), WAIT).toBe(3);
    await expect.poll(() => page.locator('.diag[data-code="syntax-error"]').count(), WAIT).toBeGreaterThan(0);
    await shot(page, 'trade-unparsable');
    // typing is undone in CodeMirror's groups: undo until both edits are gone
    for (let i = 0; i < 10; i++) {
      const text = await editorText(page);
      if (!text.includes('}}}') && !text.includes('let early')) break;
      await page.getByTestId('undo').click();
    }
    await expect.poll(() => page.getByTestId('stale').count(), WAIT).toBe(0);
    await expect.poll(() => page.locator('.diagnostics .ok').count(), WAIT).toBe(1);

    // save formats and writes the file
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('status').textContent(), WAIT).toContain('Saved');
    const saved = readFileSync(path.join(work, 'trade', 'trade.flow'), 'utf8');
    expect(saved).toContain('  let received = receive String from session\n');
    expect(saved).toContain('// The trade sample: a seller sells a commodity lot');

    // export
    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
    const svgText = readFileSync((await svg.path())!, 'utf8');
    expect(svgText).toMatch(/^<svg xmlns/);
    expect(svgText).toContain('Notary');
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
    expect(
      readFileSync((await png.path())!)
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    // the trade calls host functions: the page says it cannot simulate it
    await expect.poll(() => page.getByTestId('sim-blocked').textContent(), WAIT).toContain('host functions');
    expect(errors).toEqual([]);
  }, 120_000);

  it('simulates the approval CorDapp to the end, answering its prompt in the page', async () => {
    const server = await startDesignServer({ dir: path.join(work, 'approval') });
    servers.push(server);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await expect
      .poll(() => page.locator('[data-lane]').allTextContents(), WAIT)
      .toEqual(['RequestPurchase', 'Approver']);
    await page.getByTestId('sim-start').click();
    await page.getByTestId('sim-run').click();
    const prompt = page.getByTestId('sim-prompt');
    await prompt.waitFor(WAIT);
    expect(await prompt.textContent()).toMatch(/Approve .+ for .+ for .+\?/);
    // the flow waiting for the decision is highlighted in the conversation
    await expect.poll(() => page.locator('.item.active').count(), WAIT).toBeGreaterThan(0);
    await shot(page, 'approval-prompt');
    await page.getByTestId('answer-true').click();
    await page.getByTestId('sim-run').click();
    await expect
      .poll(() => page.getByTestId('sim-outcome').textContent(), WAIT)
      .toMatch(/^done: .*"approved":true/);
    await expect
      .poll(() => page.locator('[data-testid="sim-checkpoints"] tr').count(), WAIT)
      .toBeGreaterThan(2);
    expect(await page.getByTestId('sim-messages').textContent()).toContain('Decision');
    await shot(page, 'approval-done');
    expect(errors).toEqual([]);
  }, 120_000);
});
