import { chartFigure } from "../charts/svg-chart.ts";
import { type Lane, type TimelinePoint, type TimelineSpan, timeline } from "../charts/timeline.ts";
import { arr, at, num, obj, str } from "../data.ts";
import { h } from "../dom.ts";
import { staticTable } from "../findings-table.ts";
import { type CriterionContext, listHeading } from "./criterion.ts";

function certificateSpan(c: Record<string, unknown>, owner: string): TimelineSpan {
  const status = str(c.status) ?? "";
  return {
    from: str(c.not_before),
    to: str(c.not_after),
    tone: status === "expiring" || status === "expired" ? "warn" : status === "valid" ? "normal" : "muted",
    title: `${owner} certificate ${str(c.serial) ?? ""} ${status}: ${str(c.not_before)} – ${str(c.not_after)}`,
  };
}

/** CC6.2: credential timeline (issued, rotated, revoked, expiring), findings, credentials. */
export function credentialsBody(ctx: CriterionContext): (HTMLElement | null)[] {
  const doc = ctx.doc;
  if (!doc) return [];
  const period = obj(doc.period) ?? obj(ctx.summary.period) ?? {};
  const agents = arr(doc.agents).map((a) => obj(a) ?? {});
  const out: (HTMLElement | null)[] = [];
  const lanes: Lane[] = agents.map((a) => {
    const name = str(a.name) ?? "?";
    const points: TimelinePoint[] = [];
    const spans: TimelineSpan[] = [];
    for (const t of arr(a.tokens).map((x) => obj(x) ?? {})) {
      const fp = str(t.fingerprint) ?? "";
      const issued = str(t.issued);
      if (issued) points.push({ at: issued, shape: "issued", title: `${name} token ${fp} issued ${issued}` });
      for (const r of arr(t.rotated).map(String))
        points.push({ at: r, shape: "rotated", title: `${name} token ${fp} rotated ${r}` });
      const revoked = str(t.revoked);
      if (revoked)
        points.push({ at: revoked, shape: "revoked", title: `${name} token ${fp} revoked ${revoked}` });
    }
    for (const c of arr(a.certificates).map((x) => obj(x) ?? {})) spans.push(certificateSpan(c, name));
    return { label: name, spans, points };
  });
  const proxy = obj(doc.proxy_certificate);
  if (proxy) {
    const spans = arr(proxy.renewals).map((r) => certificateSpan(obj(r) ?? {}, "proxy"));
    const current = obj(proxy.current);
    if (current) spans.push(certificateSpan(current, "proxy"));
    lanes.push({ label: "proxy (tls.crt)", spans, points: [] });
  }
  out.push(listHeading(ctx, "/agents", "Credential timeline"));
  const svg =
    lanes.length > 0
      ? timeline({
          from: str(period.from) ?? "",
          to: str(period.to) ?? "",
          lanes,
          title: "Credential timeline",
          description:
            "One lane per agent across the period: circles are tokens issued, triangles rotations, crosses revocations; bars are certificate validity, hatched when expiring or expired.",
        })
      : null;
  if (svg) {
    out.push(
      chartFigure({
        kind: "credential-timeline",
        caption:
          "Credentials across the period: ○ token issued, ▲ rotated, ✕ revoked; bars are certificates (hatched: expiring or expired)",
        svg,
        table: {
          headers: ["Agent", "Tokens", "Certificates", "JIT k8s-token", "JIT ssh-cert", "JIT other"],
          rows: agents.map((a) => [
            str(a.name) ?? "?",
            arr(a.tokens).length,
            arr(a.certificates).length,
            num(at(a, "jit", "k8s-token")) ?? 0,
            num(at(a, "jit", "ssh-cert")) ?? 0,
            num(at(a, "jit", "other")) ?? 0,
          ]),
        },
      }),
    );
  }
  const findings = arr(doc.findings).map((f) => obj(f) ?? {});
  out.push(listHeading(ctx, "/findings", "Credential findings"));
  out.push(
    findings.length > 0
      ? staticTable({
          caption: "Findings",
          headers: ["Agent", "Kind", "Subject", "Detail"],
          rows: findings.map((f) => [str(f.agent), str(f.kind), str(f.subject), str(f.detail)]),
        })
      : h("p", null, "No credential finding."),
  );
  const rows: (string | number | null)[][] = [];
  for (const a of agents) {
    const name = str(a.name) ?? "?";
    for (const t of arr(a.tokens).map((x) => obj(x) ?? {}))
      rows.push([
        name,
        "token",
        str(t.fingerprint),
        str(t.status),
        str(t.issued),
        arr(t.rotated).map(String).join(", ") || null,
        str(t.revoked),
        null,
      ]);
    for (const c of arr(a.certificates).map((x) => obj(x) ?? {}))
      rows.push([
        name,
        "certificate",
        str(c.serial),
        str(c.status),
        str(c.not_before),
        null,
        null,
        str(c.not_after),
      ]);
  }
  out.push(
    staticTable({
      caption: "Tokens and certificates",
      headers: [
        "Agent",
        "Kind",
        "Fingerprint / serial",
        "Status",
        "Issued / not before",
        "Rotated",
        "Revoked",
        "Not after",
      ],
      rows,
    }),
  );
  return out;
}
