/**
 * Merges the Prometheus texts of several runtimes into one exposition: each family once (its
 * `# HELP`/`# TYPE` lines), then its samples from every runtime labelled `org="<id>"`. Families
 * must stay contiguous in the text format, so samples are regrouped rather than concatenated.
 */
export function mergeOrgMetrics(texts: ReadonlyArray<{ orgId: string; text: string }>): string {
  const families = new Map<string, { header: string[]; samples: string[] }>();
  for (const { orgId, text } of texts) {
    let current: { header: string[]; samples: string[] } | undefined;
    for (const line of text.split("\n")) {
      if (line === "") continue;
      const help = /^# HELP (\S+)/.exec(line);
      if (help) {
        const name = help[1] as string;
        current = families.get(name);
        if (!current) {
          current = { header: [line], samples: [] };
          families.set(name, current);
        }
        continue;
      }
      if (!current) continue;
      if (line.startsWith("#")) {
        if (!current.header.includes(line)) current.header.push(line);
        continue;
      }
      const m = /^([^\s{]+)(\{[^}]*\})?\s+(.*)$/.exec(line);
      if (!m) continue;
      const labels = m[2] ? `${m[2].slice(0, -1)},org="${orgId}"}` : `{org="${orgId}"}`;
      current.samples.push(`${m[1]}${labels} ${m[3]}`);
    }
  }
  return [...families.values()].map((f) => `${[...f.header, ...f.samples].join("\n")}\n`).join("");
}
