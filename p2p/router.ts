// The gossipsub service as we use it. `gossipsub()` is typed as returning the GossipSub interface,
// which omits two public methods of the class behind it that asynchronous validation needs; the
// class itself is not exported, so this narrow view is checked once at run time instead.
import type { GossipSub, TopicValidatorResult } from '@libp2p/gossipsub';

export interface GossipRouter extends GossipSub {
  reportMessageValidationResult(
    msgId: string,
    propagationSource: string,
    acceptance: TopicValidatorResult,
  ): void;
  getScore(peerId: string): number;
}

export function asGossipRouter(service: GossipSub): GossipRouter {
  const router = service as Partial<GossipRouter>;
  if (typeof router.reportMessageValidationResult !== 'function' || typeof router.getScore !== 'function') {
    throw new TypeError('this @libp2p/gossipsub lacks reportMessageValidationResult/getScore');
  }
  return service as GossipRouter;
}
