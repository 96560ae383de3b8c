// Consent (state/modules/attribution/policies.ts) on a fresh state per test: only a base model's
// owner decides who builds adapters on it and the share it takes, within the protocol's floors;
// only a curated Datanet's owner decides whose models may name it. An attacker tries to set
// another's policy, to pass a mode or share the protocol does not know, and to build on a model or
// name a Datanet that has not consented, or no longer consents.
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../../core/address.ts';
import {
  AdapterMode,
  adapterBaseShare,
  readAdapterPolicy,
  requireDatanetConsent,
  setAdapterAllowed,
  setAdapterPolicy,
  setDatanetModelAllowed,
} from '../../../../state/modules/attribution/policies.ts';
import { Policy } from '../../../../state/modules/attribution/records.ts';
import { requireDatanet, requireModel } from '../../../../state/modules/attribution/store.ts';
import { DirectCalls, OWNER, refusal as refused } from './directCall.ts';

const BOB: Address = '0x00000000000000000000000000000000000000b0';
const CAROL: Address = '0x00000000000000000000000000000000000000c0';

/** Model 1 of OWNER, no Datanets. */
function world() {
  const w = new DirectCalls();
  w.model();
  return w;
}

/** The share an adapter of `owner` on model 1 would pass to it. */
const shareFor = (w: DirectCalls, owner: Address) =>
  adapterBaseShare(w.call(owner), 1n, requireModel(w.state, 1n), owner);

describe('adapter policy', () => {
  it('is closed until its owner opens it: only the owner builds on the model, at the protocol share', () => {
    const w = world();
    expect(readAdapterPolicy(w.state, 1n)).toEqual({ mode: AdapterMode.closed, minBaseShareBps: 0 });
    expect(shareFor(w, OWNER)).toBe(2_000); // loraBaseShareBps
    expect(refused(() => shareFor(w, BOB))).toEqual({
      code: 'ADAPTER_NOT_ALLOWED',
      message: `base model 1 takes no adapters (${BOB}); its owner sets the policy with setAdapterPolicy`,
    });
  });

  it('may be set by the model’s owner only, to a known mode and a share within the floors', () => {
    const w = world();
    expect(refused(() => setAdapterPolicy(w.call(BOB), 1n, 1n, 0n))).toEqual({
      code: 'NOT_AUTHORIZED',
      message: `setAdapterPolicy: only the owner of model 1 (${OWNER}) may do this`,
    });
    expect(refused(() => setAdapterPolicy(w.call(OWNER, 1n), 1n, 1n, 0n)).code).toBe('UNEXPECTED_VALUE');
    expect(refused(() => setAdapterPolicy(w.call(OWNER), 2n, 1n, 0n)).code).toBe('UNKNOWN_MODEL');
    expect(refused(() => setAdapterPolicy(w.call(OWNER), 1n, 3n, 0n))).toEqual({
      code: 'INVALID_ARGUMENT',
      message: 'mode must be 0 (closed), 1 (open) or 2 (allow-list), got 3',
    });
    // 10,000 less the contributors' (1,000) and validators' (100) floors.
    expect(refused(() => setAdapterPolicy(w.call(OWNER), 1n, 1n, 8_901n))).toEqual({
      code: 'INVALID_ARGUMENT',
      message:
        "minBaseShareBps must be at most 8900 (10000 less the contributors' and validators' floors), got 8901",
    });
    expect(readAdapterPolicy(w.state, 1n).mode).toBe(AdapterMode.closed);
    expect(w.logs).toEqual([]);

    setAdapterPolicy(w.call(OWNER), 1n, 2n, 8_900n);
    expect(readAdapterPolicy(w.state, 1n)).toEqual({ mode: AdapterMode.allowList, minBaseShareBps: 8_900 });
    expect(w.events()).toEqual([
      { eventName: 'AdapterPolicySet', args: { modelId: 1n, mode: 2, minBaseShareBps: 8_900 } },
    ]);
  });

  it('open: anyone builds, at the policy’s share or the protocol’s, whichever is higher', () => {
    const w = world();
    setAdapterPolicy(w.call(OWNER), 1n, 1n, 1_500n);
    expect(shareFor(w, BOB)).toBe(2_000);
    setAdapterPolicy(w.call(OWNER), 1n, 1n, 2_500n);
    expect(shareFor(w, BOB)).toBe(2_500);
    expect(shareFor(w, OWNER)).toBe(2_500);
  });

  it('allow-list: only listed owners build, and one taken off the list no longer can', () => {
    const w = world();
    setAdapterPolicy(w.call(OWNER), 1n, 2n, 0n);
    expect(refused(() => shareFor(w, BOB))).toEqual({
      code: 'ADAPTER_NOT_ALLOWED',
      message: `base model 1 has not allowed adapters of this owner (${BOB}); its owner sets the policy with setAdapterPolicy`,
    });
    expect(refused(() => setAdapterAllowed(w.call(BOB), 1n, BOB, true)).code).toBe('NOT_AUTHORIZED');
    expect(refused(() => setAdapterAllowed(w.call(OWNER, 1n), 1n, BOB, true)).code).toBe('UNEXPECTED_VALUE');
    setAdapterAllowed(w.call(OWNER), 1n, BOB, true);
    expect(shareFor(w, BOB)).toBe(2_000);
    expect(refused(() => shareFor(w, CAROL)).code).toBe('ADAPTER_NOT_ALLOWED');
    setAdapterAllowed(w.call(OWNER), 1n, BOB, false);
    expect(refused(() => shareFor(w, BOB)).code).toBe('ADAPTER_NOT_ALLOWED');
    expect(w.events().map((e) => e.args)).toEqual([
      { modelId: 1n, mode: 2, minBaseShareBps: 0 },
      { modelId: 1n, adapterOwner: expect.stringMatching(/^0x0{38}b0$/i), allowed: true },
      { modelId: 1n, adapterOwner: expect.stringMatching(/^0x0{38}b0$/i), allowed: false },
    ]);
    // A list kept while the policy is closed again grants nothing.
    setAdapterAllowed(w.call(OWNER), 1n, BOB, true);
    setAdapterPolicy(w.call(OWNER), 1n, 0n, 0n);
    expect(refused(() => shareFor(w, BOB)).code).toBe('ADAPTER_NOT_ALLOWED');
  });
});

describe('Datanet consent', () => {
  it('an open Datanet takes every model; a curated one its owner’s and the listed owners’', () => {
    const w = world();
    const open = w.datanet();
    const curated = w.datanet({ policy: Policy.curated });
    const consent = (id: bigint, owner: Address) =>
      requireDatanetConsent(w.state, id, requireDatanet(w.state, id), owner);
    consent(open, BOB);
    consent(curated, OWNER);
    expect(refused(() => consent(curated, BOB))).toEqual({
      code: 'DATANET_NOT_ALLOWED',
      message: `datanet ${curated} is curated and its owner (${OWNER}) has not allowed models of ${BOB}`,
    });

    expect(refused(() => setDatanetModelAllowed(w.call(BOB), curated, BOB, true))).toEqual({
      code: 'NOT_AUTHORIZED',
      message: `setDatanetModelAllowed: only the owner of datanet ${curated} (${OWNER}) may do this`,
    });
    expect(refused(() => setDatanetModelAllowed(w.call(OWNER, 1n), curated, BOB, true)).code).toBe(
      'UNEXPECTED_VALUE',
    );
    expect(refused(() => setDatanetModelAllowed(w.call(OWNER), open, BOB, true))).toEqual({
      code: 'NOT_CURATED',
      message: `setDatanetModelAllowed: datanet ${open} is open to every model`,
    });
    setDatanetModelAllowed(w.call(OWNER), curated, BOB, true);
    consent(curated, BOB);
    expect(refused(() => consent(curated, CAROL)).code).toBe('DATANET_NOT_ALLOWED');
    setDatanetModelAllowed(w.call(OWNER), curated, BOB, false);
    expect(refused(() => consent(curated, BOB)).code).toBe('DATANET_NOT_ALLOWED');
    expect(w.events().map((e) => [e.eventName, e.args.allowed])).toEqual([
      ['DatanetModelAllowed', true],
      ['DatanetModelAllowed', false],
    ]);
  });
});
