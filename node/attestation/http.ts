// A scorer behind an HTTP endpoint (`attestation.scorer = { "url": "http://…" }`): the request of
// protocol.ts POSTed as application/json, the reply read from a 2xx answer's body, the whole
// exchange bounded by `attestation.scorerTimeoutMs` and the reply by MAX_REPLY_BYTES.
import { FetchFailed, fetchCapped } from './fetchCapped.ts';
import { encodeRequest, MAX_REPLY_BYTES, parseReply } from './protocol.ts';
import { Abstain, type Backend } from './scorer.ts';

export function httpBackend(url: string, timeoutMs: number): Backend {
  return async (request) => {
    let body: Uint8Array;
    try {
      body = await fetchCapped(
        url,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: encodeRequest(request) },
        { timeoutMs, maxBytes: MAX_REPLY_BYTES },
      );
    } catch (err) {
      throw new Abstain(err instanceof FetchFailed ? err.message : String(err));
    }
    return parseReply(body);
  };
}
