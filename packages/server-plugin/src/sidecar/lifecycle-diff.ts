import type { LifecycleHookName, LifecycleHookStates } from "../host/lifecycle-hooks.ts";
import type { HomeSnapshot } from "./home-snapshot.ts";

/** A lifecycle hook call derived from a change in the iddio home. */
export type DerivedEvent = {
  [K in LifecycleHookName]: { hook: K; state: LifecycleHookStates[K] };
}[LifecycleHookName];

/**
 * Turns the difference between two snapshots into lifecycle records: a new policy hash is
 * `policy.changed`; per agent, a token fingerprint that replaced another is `token.rotated`, a new
 * one `token.issued`, a vanished one `token.revoked`; a certificate for a new owner is
 * `cert.issued`, a new fingerprint for a known owner `cert.renewed`. Sources absent from `next`
 * (unreadable or deleted files) yield nothing.
 */
export function diffHome(previous: HomeSnapshot, next: HomeSnapshot, timestamp: string): DerivedEvent[] {
  const out: DerivedEvent[] = [];
  if (next.policy && next.policy.sha256 !== previous.policy?.sha256) {
    const { sha256, version, snapshot } = next.policy;
    out.push({
      hook: "policy:changed",
      state: { timestamp, ...(version === undefined ? {} : { version }), sha256, snapshot },
    });
  }
  if (next.tokens) {
    const before = previous.tokens ?? {};
    const agents = [...new Set([...Object.keys(before), ...Object.keys(next.tokens)])].sort();
    for (const agent of agents) {
      const old = before[agent] ?? [];
      const now = next.tokens[agent] ?? [];
      const added = now.filter((f) => !old.includes(f));
      const removed = old.filter((f) => !now.includes(f));
      for (const [i, fingerprint] of added.entries()) {
        const previous_fingerprint = removed[i];
        if (previous_fingerprint)
          out.push({ hook: "token:rotated", state: { timestamp, agent, fingerprint, previous_fingerprint } });
        else out.push({ hook: "token:issued", state: { timestamp, agent, fingerprint } });
      }
      for (const fingerprint of removed.slice(added.length))
        out.push({ hook: "token:revoked", state: { timestamp, agent, fingerprint } });
    }
  }
  for (const [agent, cert] of Object.entries(next.certs).sort(([a], [b]) => a.localeCompare(b))) {
    const old = previous.certs[agent];
    if (old?.fingerprint === cert.fingerprint) continue;
    out.push({ hook: old ? "cert:renewed" : "cert:issued", state: { timestamp, agent, ...cert } });
  }
  return out;
}
