// The client version string (web3_clientVersion, open_nodeInfo, logs).
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export const VERSION: string = pkg.version;
export const CLIENT_VERSION = `openchain/v${VERSION}/${process.platform}-${process.arch}/node${process.versions.node}`;
