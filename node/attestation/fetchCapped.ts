// An HTTP request whose whole exchange (connect, headers, body) is bounded in time and whose body
// is bounded in size: the attestor talks to servers it does not control (a contribution's URI, an
// operator's scorer) and must neither hang nor fill its memory because of one.
export class FetchFailed extends Error {}

export interface FetchLimits {
  readonly timeoutMs: number;
  /** More body bytes than this is a failure (the rest is not read). */
  readonly maxBytes: number;
}

/** The body of a 2xx answer; throws FetchFailed with the reason otherwise. */
export async function fetchCapped(url: string, init: RequestInit, limits: FetchLimits): Promise<Uint8Array> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    if (!response.ok) {
      await response.body?.cancel();
      throw new FetchFailed(`HTTP ${response.status} from ${url}`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body?.getReader();
    for (let next = await reader?.read(); next && !next.done; next = await reader!.read()) {
      size += next.value.length;
      if (size > limits.maxBytes) {
        await reader!.cancel();
        throw new FetchFailed(`${url} sent more than ${limits.maxBytes} bytes`);
      }
      chunks.push(next.value);
    }
    const body = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      body.set(chunk, at);
      at += chunk.length;
    }
    return body;
  } catch (err) {
    if (err instanceof FetchFailed) throw err;
    if (controller.signal.aborted)
      throw new FetchFailed(`${url} did not answer within ${limits.timeoutMs} ms`);
    const cause = (err as Error & { cause?: Error }).cause;
    throw new FetchFailed(`${url}: ${(err as Error).message}${cause ? ` (${cause.message})` : ''}`);
  } finally {
    clearTimeout(timer);
  }
}
