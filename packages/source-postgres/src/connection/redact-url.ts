const SECRET_PARAMS = new Set(["password", "sslpassword", "sslkey"]);

/** Whether a source string names PostgreSQL (`postgres://` or `postgresql://`). */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/**
 * A PostgreSQL URL safe to print and to write into evidence: the password (in the authority or a
 * `password=` parameter) becomes `***`. An unparsable URL is reduced to its scheme.
 */
export function redactPostgresUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${url.split(":")[0] ?? "postgres"}://***`;
  }
  const user = parsed.username
    ? `${parsed.username}${parsed.password ? ":***" : ""}@`
    : parsed.password
      ? ":***@"
      : "";
  const params = [...parsed.searchParams].map(
    ([k, v]) =>
      `${encodeURIComponent(k)}=${SECRET_PARAMS.has(k.toLowerCase()) ? "***" : encodeURIComponent(v)}`,
  );
  return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}${params.length > 0 ? `?${params.join("&")}` : ""}`;
}

/** The secrets of a URL (password and secret parameters), to scrub from driver error messages. */
export function urlSecrets(url: string): string[] {
  try {
    const parsed = new URL(url);
    const out = [decodeURIComponent(parsed.password), parsed.password];
    for (const [k, v] of parsed.searchParams) if (SECRET_PARAMS.has(k.toLowerCase())) out.push(v);
    return out.filter((s) => s.length > 0);
  } catch {
    return [];
  }
}
