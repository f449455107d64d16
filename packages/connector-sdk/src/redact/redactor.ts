/** Replaces secrets in text before it reaches an error, a log line or a receipt. */
export interface Redactor {
  /** Returns `text` with every known secret and every credential-looking token replaced. */
  redact(text: string): string;
  /** Registers a secret learnt at run time (an access token). */
  add(secret: string | undefined): void;
  /** Returns a copy of `headers` with credential headers replaced. */
  redactHeaders(headers: Record<string, string>): Record<string, string>;
}

/** The placeholder that replaces a secret. */
const REDACTED = "[REDACTED]";

/** Config keys whose values are secrets: client_secret, api_key, secret, token, password, … */
const SECRET_KEY_PATTERN = /secret|api[-_]?key|token|passw(or)?d|passphrase|private[-_]?key|credential/i;

const CREDENTIAL_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "api-key",
  "api-token",
]);

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=-]{4,}/gi, `$1 ${REDACTED}`],
  [/\b(authorization"?\s*[:=]\s*"?)[^",}\n]+/gi, `$1${REDACTED}`],
  [/whsec_[A-Za-z0-9+/=]+/g, REDACTED],
  [
    /([?&](?:access_token|token|api_?key|apikey|key|secret|client_secret|password|signature|sig)=)[^&#\s"']+/gi,
    `$1${REDACTED}`,
  ],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, `$1${REDACTED}@`],
  [
    /("(?:access_token|refresh_token|id_token|client_secret|api_?key|password|secret|token)"\s*:\s*)"[^"]*"/gi,
    `$1"${REDACTED}"`,
  ],
];

/** Collects the string values under secret-looking keys, at any depth. */
export function collectSecrets(value: unknown, into: string[] = [], underSecretKey = false): string[] {
  if (typeof value === "string") {
    if (underSecretKey) into.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectSecrets(item, into, underSecretKey);
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value))
      collectSecrets(item, into, underSecretKey || SECRET_KEY_PATTERN.test(key));
  }
  return into;
}

/**
 * A redactor that knows `secrets` (values shorter than 3 characters are ignored: replacing them would
 * garble messages without protecting anything) plus the patterns of bearer tokens, `whsec_` keys,
 * credentials in URLs and secret-named JSON fields.
 */
export function createRedactor(secrets: Iterable<string> = []): Redactor {
  const known = new Set<string>();
  let ordered: string[] = [];
  const add = (secret: string | undefined): void => {
    if (!secret || secret.length < 3) return;
    const variants = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
    let changed = false;
    for (const variant of variants) {
      if (!known.has(variant)) {
        known.add(variant);
        changed = true;
      }
    }
    // Longest first, so a secret that contains another is replaced whole.
    if (changed) ordered = [...known].sort((a, b) => b.length - a.length);
  };
  for (const secret of secrets) add(secret);

  const redact = (text: string): string => {
    let out = String(text);
    for (const secret of ordered) out = out.split(secret).join(REDACTED);
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  };

  const redactHeaders = (headers: Record<string, string>): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      out[name] = CREDENTIAL_HEADERS.has(name.toLowerCase()) ? REDACTED : redact(value);
    }
    return out;
  };

  return { redact, add, redactHeaders };
}
