// Watches a run: samples every node's height, follows new blocks (telling the load which of its
// transactions landed), and measures stalls: stretches without a new block anywhere, both overall
// and while more than 2/3 of the power was up and connected (a liveness failure if long).
import { rpc } from '../e2e/cli.ts';

const SAMPLE_MS = 500;
const TIMEOUT_MS = 2_000;

export interface Stall {
  readonly fromS: number;
  readonly seconds: number;
  readonly height: number;
}

/** Folds samples into stalls; pure, so its rules are tested without a network. */
export class StallMeter {
  longest: Stall = { fromS: 0, seconds: 0, height: 0 };
  longestHealthy: Stall = { fromS: 0, seconds: 0, height: 0 };
  #height = -1;
  #since = 0;
  #healthySince: number | undefined;

  /** One observation at `t` (ms): the highest height any node has, and whether a quorum was connected. */
  sample(t: number, height: number, quorumConnected: boolean, t0: number): void {
    if (height > this.#height) {
      this.#height = height;
      this.#since = t;
      this.#healthySince = quorumConnected ? t : undefined;
      return;
    }
    const stall = (from: number): Stall => ({
      fromS: (from - t0) / 1000,
      seconds: (t - from) / 1000,
      height,
    });
    if (t - this.#since > this.longest.seconds * 1000) this.longest = stall(this.#since);
    // Healthy time counts from the later of the last block and the moment a quorum was back.
    if (!quorumConnected) this.#healthySince = undefined;
    else {
      this.#healthySince ??= t;
      if (t - this.#healthySince > this.longestHealthy.seconds * 1000)
        this.longestHealthy = stall(this.#healthySince);
    }
  }
}

export class Monitor {
  readonly stalls = new StallMeter();
  maxHeight = 0;
  #followed = 0;
  #running = false;
  #loop: Promise<void> | undefined;

  readonly #urls: () => string[];
  readonly #quorumConnected: () => boolean;
  readonly #onBlock: (txHashes: string[]) => void;

  constructor(urls: () => string[], quorumConnected: () => boolean, onBlock: (txHashes: string[]) => void) {
    this.#urls = urls;
    this.#quorumConnected = quorumConnected;
    this.#onBlock = onBlock;
  }

  start(t0: number): void {
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        await this.tick(t0);
        await new Promise((r) => setTimeout(r, SAMPLE_MS));
      }
    })();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  async tick(t0: number): Promise<void> {
    const urls = this.#urls();
    const heights = await Promise.all(
      urls.map((u) => rpc<string>(u, 'eth_blockNumber', [], TIMEOUT_MS).then(Number, () => -1)),
    );
    const best = Math.max(-1, ...heights);
    if (best < 0) return;
    this.maxHeight = Math.max(this.maxHeight, best);
    this.stalls.sample(Date.now(), best, this.#quorumConnected(), t0);
    await this.follow(urls[heights.indexOf(best)]!, best);
  }

  /** Reads blocks up to `head` from `url`, reporting their transactions. */
  async follow(url: string, head: number): Promise<void> {
    while (this.#followed < head) {
      const h = this.#followed + 1;
      const block = await rpc<{ transactions: string[] } | null>(
        url,
        'eth_getBlockByNumber',
        [`0x${h.toString(16)}`, false],
        TIMEOUT_MS,
      ).catch(() => null);
      if (!block) return;
      this.#onBlock(block.transactions);
      this.#followed = h;
    }
  }
}
