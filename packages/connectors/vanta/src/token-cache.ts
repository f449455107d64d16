/** An access token and when it stops being valid (ms since epoch). */
export interface AccessToken {
  value: string;
  expiresAt: number;
}

interface Entry {
  token?: AccessToken;
  inflight?: Promise<AccessToken>;
}

/** Vanta refreshes a token this long before it expires, as Vanta's own client does. */
const REFRESH_BEFORE_EXPIRY_MS = 60_000;

// One cache per process, shared by every instance and every copy of this package: Vanta keeps one
// active token per application, so two caches would revoke each other's tokens.
const GLOBAL_KEY = Symbol.for("iddio-compliance.connector-vanta.token-cache");
const globals = globalThis as unknown as Record<symbol, Map<string, Entry> | undefined>;
const cache: Map<string, Entry> = globals[GLOBAL_KEY] ?? new Map();
globals[GLOBAL_KEY] = cache;

/**
 * The cached token of application `key` (base URL + client id), fetched with `fetchToken` when there
 * is none, it expires within {@link REFRESH_BEFORE_EXPIRY_MS}, or it is `stale` (the token a request was
 * refused with). Concurrent callers share one fetch (single flight).
 */
export async function cachedAccessToken(
  key: string,
  fetchToken: () => Promise<AccessToken>,
  now: number,
  stale?: string,
): Promise<string> {
  let entry = cache.get(key);
  if (!entry) {
    entry = {};
    cache.set(key, entry);
  }
  const token = entry.token;
  if (token && now < token.expiresAt - REFRESH_BEFORE_EXPIRY_MS && token.value !== stale) return token.value;
  if (!entry.inflight) {
    const current = entry;
    const flight = fetchToken().then((fresh) => {
      current.token = fresh;
      return fresh;
    });
    current.inflight = flight;
    flight.then(
      () => {
        if (current.inflight === flight) current.inflight = undefined;
      },
      () => {
        if (current.inflight === flight) current.inflight = undefined;
      },
    );
  }
  return (await entry.inflight)?.value ?? "";
}

/** Forgets the cached token of `key` (all keys when omitted). */
export function clearVantaTokenCache(key?: string): void {
  if (key === undefined) cache.clear();
  else cache.delete(key);
}
