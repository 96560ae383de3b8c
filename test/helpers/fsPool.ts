// Counting the thread-pool jobs an fs operation costs: every asynchronous fs call (callback or
// promise) is an FSREQ* async resource, one pool job each.
import { createHook } from 'node:async_hooks';

/** Asynchronous fs calls made while `fn` runs. */
export async function poolRequests(fn: () => Promise<unknown>): Promise<number> {
  let requests = 0;
  const hook = createHook({
    init(_id, type) {
      if (type.startsWith('FSREQ')) requests++;
    },
  }).enable();
  try {
    await fn();
  } finally {
    hook.disable();
  }
  return requests;
}
