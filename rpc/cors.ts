// Origin policy shared by HTTP (CORS headers) and WebSocket (upgrade check). Browser wallets and
// explorers call the node from other origins, so the default list is ['*'].

export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  return allowed.includes('*') || (origin !== undefined && allowed.includes(origin));
}

/** Headers for an actual (non-preflight) response. */
export function corsHeaders(origin: string | undefined, allowed: readonly string[]): Record<string, string> {
  if (allowed.includes('*')) return { 'Access-Control-Allow-Origin': '*' };
  // The answer depends on Origin, so caches must key on it.
  if (origin === undefined || !allowed.includes(origin)) return { Vary: 'Origin' };
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

/** Headers for an OPTIONS preflight; without an allowed origin the browser gets no grant. */
export function preflightHeaders(
  origin: string | undefined,
  requestedHeaders: string | undefined,
  allowed: readonly string[],
): Record<string, string> {
  const headers = corsHeaders(origin, allowed);
  if (!originAllowed(origin, allowed)) return headers;
  return {
    ...headers,
    'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
    // Any request header is fine (geth allows "*"); echoing works where "*" is not honoured.
    'Access-Control-Allow-Headers': requestedHeaders ?? 'Content-Type',
    'Access-Control-Max-Age': '600',
  };
}
