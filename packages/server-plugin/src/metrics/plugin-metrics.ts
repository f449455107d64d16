/** What the plugin reports on `/metrics` (Prometheus text format 0.0.4). */
export interface PluginMetricsSnapshot {
  /** Unix seconds of the last successful export, or `null`. */
  lastSuccessSeconds: number | null;
  /** Duration of the last successful export, in seconds. */
  lastDurationSeconds: number | null;
  /** Failed export attempts since start. */
  exportFailuresTotal: number;
  /** Packages stored since start. */
  exportsTotal: number;
  /** Whether the last export's chain verified (1/0), or `null` before the first. */
  lastExportVerified: boolean | null;
  /** Whether the live audit log tail verifies so far (1/0), or `null` when not tailed. */
  auditChainVerified: boolean | null;
  /** Tamper or link-break alerts raised by the tail or the ledger since start. */
  tamperAlertsTotal: number;
  /** Audit lines verified by the tail since start. */
  auditLinesTotal: number;
  pendingPushes: number;
  failingPushes: number;
  /** Pending pushes past the alert threshold. */
  stalledPushes: number;
  /** Scheduled periods left to the replica that owns their package. */
  exportsSkippedTotal: number;
  pushFailuresTotal: number;
  pushesDeliveredTotal: number;
  /** Whether the plugin's own ledger verified when opened. */
  ledgerVerified: boolean | null;
  ledgerRecords: number;
  retentionDeletionsTotal: number;
}

const P = "iddio_compliance_";

function line(name: string, type: "gauge" | "counter", help: string, value: number | boolean | null): string {
  if (value === null) return `# HELP ${P}${name} ${help}\n# TYPE ${P}${name} ${type}\n`;
  const v = typeof value === "boolean" ? (value ? 1 : 0) : value;
  return `# HELP ${P}${name} ${help}\n# TYPE ${P}${name} ${type}\n${P}${name} ${v}\n`;
}

/** Renders a snapshot as Prometheus text; a metric with no value yet is declared without a sample. */
export function renderMetrics(m: PluginMetricsSnapshot): string {
  return [
    line(
      "export_last_success_timestamp_seconds",
      "gauge",
      "Unix time of the last successful export.",
      m.lastSuccessSeconds,
    ),
    line(
      "export_last_duration_seconds",
      "gauge",
      "Duration of the last successful export.",
      m.lastDurationSeconds,
    ),
    line("exports_total", "counter", "Packages exported and stored since start.", m.exportsTotal),
    line("export_failures_total", "counter", "Failed export attempts since start.", m.exportFailuresTotal),
    line(
      "exports_skipped_total",
      "counter",
      "Scheduled exports skipped because another replica stored the period's package and delivers it.",
      m.exportsSkippedTotal,
    ),
    line(
      "export_chain_verified",
      "gauge",
      "1 when the last export's hash chain verified.",
      m.lastExportVerified,
    ),
    line("audit_chain_verified", "gauge", "1 while the tailed audit log verifies.", m.auditChainVerified),
    line(
      "audit_lines_verified_total",
      "counter",
      "Audit log lines verified by the tail since start.",
      m.auditLinesTotal,
    ),
    line(
      "tamper_alerts_total",
      "counter",
      "Hash mismatches, link breaks and malformed lines seen since start.",
      m.tamperAlertsTotal,
    ),
    line("outbox_pending_pushes", "gauge", "Connector pushes waiting in the outbox.", m.pendingPushes),
    line("outbox_failed_pushes", "gauge", "Pending pushes whose last attempt failed.", m.failingPushes),
    line(
      "outbox_stalled_pushes",
      "gauge",
      "Pending pushes retried for longer than compliance.outbox.alert_after_hours.",
      m.stalledPushes,
    ),
    line("outbox_push_failures_total", "counter", "Failed push attempts since start.", m.pushFailuresTotal),
    line("outbox_pushes_delivered_total", "counter", "Pushes delivered since start.", m.pushesDeliveredTotal),
    line("ledger_verified", "gauge", "1 when the plugin ledger verified when opened.", m.ledgerVerified),
    line("ledger_records", "gauge", "Records in the plugin ledger.", m.ledgerRecords),
    line(
      "retention_deletions_total",
      "counter",
      "Packages deleted by retention since start.",
      m.retentionDeletionsTotal,
    ),
  ].join("");
}
