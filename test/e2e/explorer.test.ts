// The explorer in a real browser: headless Chromium (Debian's package, driven by playwright-core)
// against a one-validator devnet of real processes, filled through the typed client (openchain/client)
// as a user's program would: a Datanet, two contributions, a base model and a LoRA adapter on it, an
// inference quoting both files, a delegation. Every page must render without console errors, search
// must find each kind of id, the inference page must highlight exactly the spans open_getInference
// records, a phone-width viewport must not scroll sideways, and garbage or unknown ids must say "not
// found". The overview and the inference page are photographed for the README.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpc } from './cli.ts';
import { height, startDevnet, type TestDevnet, waitFor } from './devnet.ts';
import { type Filled, fillChain, OUTPUT, PROPOSAL_TITLE, QUOTE_A } from './explorerChain.ts';

/** Debian's chromium; .ci/run installs the package when it is missing. */
const CHROMIUM = process.env.OPENCHAIN_CHROMIUM ?? '/usr/bin/chromium';
// The README's pictures are refreshed only on request (UPDATE_DOC_IMAGES=1): a test run leaves the
// checkout as it found it; otherwise the screenshots go to a temporary directory and are checked there.
const IMAGES = process.env['UPDATE_DOC_IMAGES']
  ? new URL('../../docs/images/', import.meta.url).pathname
  : mkdtempSync(join(tmpdir(), 'openchain-explorer-shots-'));
const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

interface Inference {
  spans: { contributionId: string; outputStart: number | string; length: number | string }[];
}

describe('the explorer in headless Chromium', () => {
  let devnet: TestDevnet;
  let browser: Browser;
  let url: string;
  let ids: Filled['ids'];
  let txHash: string;
  let blockHash: string;
  let operatorAddress: string;
  let alice: Filled['alice'];
  let recordAgain: Filled['recordAgain'];
  let recordAttested: Filled['recordAttested'];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install -y chromium; .ci/run does) or set OPENCHAIN_CHROMIUM`,
      );
    }
    devnet = await startDevnet({
      validators: 1,
      blockIntervalMs: 200,
      // Records settle in their own transaction, so the pages show contributors' earnings at once
      // (escrow and challenges are tested in test/attacks/attributionEscrow.test.ts).
      // The validator attests (its operator is its attestation account): a short window settles fast.
      genesis: (g) => {
        const attribution = (g.params as { attribution: Record<string, unknown> }).attribution;
        attribution.challengeWindowBlocks = 0;
        attribution.attestationWindowBlocks = 6;
      },
    });
    url = devnet.url(0);
    await waitFor('the first block', async () => (await height(url)) >= 1);
    ({ ids, txHash, blockHash, operatorAddress, alice, recordAgain, recordAttested } = await fillChain(url));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await devnet?.close();
    if (!process.env['UPDATE_DOC_IMAGES']) rmSync(IMAGES, { recursive: true, force: true });
  });

  /** A page that records every console error and uncaught exception. */
  async function open(width = 1280): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    page.on('pageerror', (err) => errors.push(String(err)));
    return { page, errors };
  }

  /** Shows a route and waits until its view has replaced the loading text. */
  async function show(page: Page, hash: string): Promise<void> {
    await page.goto(`${url}/${hash}`);
    // app.js marks the view with the route it shows once it has rendered it.
    await page.waitForSelector(`#view[data-shown="${hash}"]`);
    // Panels that load after the page (contributors, leaderboard, recent transactions).
    await page
      .getByText(/Loading…|Scanning recent blocks|Reading the rewards/)
      .first()
      .waitFor({ state: 'detached' });
  }

  const pages = () => [
    '#/',
    '#/attribution',
    `#/datanet/${ids.datanet}`,
    `#/contribution/${ids.contributions[0]}`,
    `#/model/${ids.base}`,
    `#/model/${ids.adapter}`,
    `#/inference/${ids.inference}`,
    `#/tx/${txHash}`,
    '#/block/1',
    `#/address/${alice.address.toLowerCase()}`,
    `#/address/${operatorAddress}`,
    '#/governance',
  ];

  it('renders every page without console errors, and the staking and attribution views with their records', async () => {
    const { page, errors } = await open();
    for (const hash of pages()) {
      await show(page, hash);
      expect(await page.locator('.panel.error').count(), `${hash} shows an error panel`).toBe(0);
    }
    expect(errors).toEqual([]);

    await show(page, `#/address/${alice.address.toLowerCase()}`);
    const aliceText = await page.locator('#view').innerText();
    expect(aliceText).toContain('Staking');
    expect(aliceText).toMatch(/Contributions \(1\) · earned 0\.[1-9]/);
    await show(page, `#/address/${operatorAddress}`);
    const operatorText = await page.locator('#view').innerText();
    expect(operatorText).toContain('Validator');
    expect(operatorText).toMatch(/Uptime\s+\d+(\.\d+)?%/);
    // The validators' share of the inference fees and its staking income, by role and paid.
    expect(operatorText).toMatch(/Rewards paid/);
    await show(page, '#/');
    await expect.poll(() => page.locator('#view').innerText()).toMatch(/uptime/i);
    await show(page, '#/governance');
    const proposals = await page.locator('#view').innerText();
    expect(proposals).toContain(PROPOSAL_TITLE);
    expect(proposals).toMatch(/voting/i);
    expect(proposals).toMatch(/Yes 5(\.0+)? OPEN/);
    await show(page, '#/attribution');
    const board = await page.locator('table.leaderboard tbody tr').count();
    expect(board).toBe(2);
    await show(page, `#/tx/${txHash}`);
    expect(await page.locator('#view').innerText()).toContain(QUOTE_A);
    await show(page, `#/model/${ids.adapter}`);
    expect(await page.locator('#view').innerText()).toMatch(/LoRA adapter, depth 1/);
    // Live: a new inference of the model appears on its page without a reload.
    expect(await page.locator('#view').innerText()).toContain('Inferences (1)');
    const second = await recordAgain();
    await expect
      .poll(() => page.locator('#view').innerText(), { timeout: 30_000 })
      .toContain('Inferences (2)');
    await expect.poll(() => page.locator(`#view a[href="#/inference/${second}"]`).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('highlights exactly the spans that open_getInference records, in the recorded output', async () => {
    const record = await rpc<Inference>(url, 'open_getInference', [
      `0x${BigInt(ids.inference).toString(16)}`,
    ]);
    expect(record.spans.length).toBe(2);
    const { page, errors } = await open();
    await show(page, `#/inference/${ids.inference}`);
    const marks = await page.$$eval('#view pre.output mark', (els) =>
      els.map((el) => ({
        span: Number(el.getAttribute('data-span')),
        contribution: el.getAttribute('data-contribution'),
        start: Number(el.getAttribute('data-start')),
        end: Number(el.getAttribute('data-end')),
        text: el.textContent,
      })),
    );
    // Adjacent marks of one span are one highlighted span.
    const shown = new Map<number, { contribution: string | null; start: number; end: number }>();
    for (const m of marks) {
      const s = shown.get(m.span);
      if (s) s.end = m.end;
      else shown.set(m.span, { contribution: m.contribution, start: m.start, end: m.end });
      expect(m.text).toBe(OUTPUT.slice(m.start, m.end));
    }
    expect([...shown.values()]).toEqual(
      record.spans.map((s) => ({
        contribution: String(BigInt(s.contributionId)),
        start: Number(s.outputStart),
        end: Number(s.outputStart) + Number(s.length),
      })),
    );
    expect(await page.locator('#view pre.output').innerText()).toBe(OUTPUT);
    // Hovering a span names its contribution, Datanet and contributor.
    await page.locator('#view pre.output mark').first().hover();
    const detail = await page.locator('.span-detail').innerText();
    expect(detail).toContain(`Contribution #${BigInt(record.spans[0]!.contributionId)}`);
    expect(detail).toMatch(/Datanet "Protocol notes"/);
    expect(await page.locator('table.legend tbody tr').count()).toBe(2);
    mkdirSync(IMAGES, { recursive: true });
    await page.screenshot({ path: join(IMAGES, 'explorer-inference.png'), fullPage: true });
    await show(page, '#/');
    await page.screenshot({ path: join(IMAGES, 'explorer-overview.png') });
    for (const shot of ['explorer-inference.png', 'explorer-overview.png']) {
      expect(readFileSync(join(IMAGES, shot)).subarray(0, 8)).toEqual(Buffer.from(PNG_SIGNATURE));
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows an attested record's candidates, consensus scores, the validator's scores and reward", async () => {
    const id = await recordAttested();
    const hexId = `0x${BigInt(id).toString(16)}`;
    await waitFor(
      'the validator to settle the attested record',
      async () => (await rpc<{ settled: boolean }>(url, 'open_getAttestedInference', [hexId])).settled,
    );
    const [attestation] = await rpc<{ revealed: boolean; scores: number[]; reward: string }[]>(
      url,
      'open_getAttestations',
      [hexId],
    );
    expect(attestation!.revealed).toBe(true);
    const { page, errors } = await open();
    await show(page, `#/inference/${id}`);
    const text = await page.locator('#view').innerText();
    expect(text).toMatch(/settled by attestation/);
    expect(await page.locator('#view pre.output').innerText()).toBe(OUTPUT);
    const candidates = page.locator('table.attested-candidates tbody tr');
    expect(await candidates.count()).toBe(2);
    // Claimed 6,000 and 4,000; the consensus is the one validator's revealed scores.
    expect(await candidates.first().innerText()).toContain('6,000');
    expect(await candidates.first().innerText()).toContain(attestation!.scores[0]!.toLocaleString('en-US'));
    const validators = page.locator('table.attested-validators tbody tr');
    expect(await validators.count()).toBe(1);
    expect(await validators.first().innerText()).toMatch(/yes\s+yes/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('search finds each kind of id; garbage and unknown ids say "not found"', async () => {
    const { page, errors } = await open();
    await show(page, '#/');
    const search = async (text: string) => {
      await page.fill('#search-input', text);
      await page.press('#search-input', 'Enter');
    };
    const found: [string, RegExp][] = [
      ['1', /#\/block\/1$/],
      [blockHash, new RegExp(`#/block/${blockHash}$`)],
      [txHash, new RegExp(`#/tx/${txHash}$`)],
      [alice.address, new RegExp(`#/address/${alice.address.toLowerCase()}$`)],
      [`datanet ${ids.datanet}`, new RegExp(`#/datanet/${ids.datanet}$`)],
      [`contribution ${ids.contributions[1]}`, new RegExp(`#/contribution/${ids.contributions[1]}$`)],
      [`model:${ids.adapter}`, new RegExp(`#/model/${ids.adapter}$`)],
      [`inference #${ids.inference}`, new RegExp(`#/inference/${ids.inference}$`)],
    ];
    for (const [text, route] of found) {
      await search(text);
      await page.waitForURL(route);
    }
    for (const garbage of ['hello world', '0x1234', `0x${'00'.repeat(31)}01`]) {
      await search(garbage);
      await expect.poll(() => page.locator('#notice').innerText()).toMatch(/^Not found/);
    }
    for (const hash of [
      '#/inference/999',
      '#/datanet/999',
      '#/model/999',
      '#/contribution/999',
      `#/tx/0x${'00'.repeat(31)}01`,
      '#/nonsense',
    ]) {
      await show(page, hash);
      expect((await page.locator('#view').innerText()).toLowerCase(), hash).toContain('not found');
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('does not scroll sideways on a phone-width screen', async () => {
    const { page, errors } = await open(390);
    for (const hash of pages()) {
      await show(page, hash);
      const [scroll, inner, wide] = await page.evaluate(() => {
        // Runs in the page (this project's TypeScript has no DOM types).
        interface El {
          tagName: string;
          className: string;
          getBoundingClientRect(): { right: number };
          textContent: string;
        }
        const w = globalThis as unknown as {
          innerWidth: number;
          document: { documentElement: { scrollWidth: number }; querySelectorAll(s: string): El[] };
        };
        // The innermost elements that stick out, to name them in the failure message.
        const out = [...w.document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > w.innerWidth + 0.5)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className} "${el.textContent.slice(0, 30)}"`);
        return [w.document.documentElement.scrollWidth, w.innerWidth, out.slice(-5)] as const;
      });
      expect(
        scroll,
        `${hash} is ${scroll}px wide on a ${inner}px screen: ${wide.join(', ')}`,
      ).toBeLessThanOrEqual(inner);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
