/** Prometheus text for the replicas' lock: scheduled exports another replica ran instead. */
export function renderLockMetrics(skipped: number): string {
  const name = "iddio_compliance_exports_skipped_total";
  return `# HELP ${name} Scheduled exports skipped because another replica held the period's lock.\n# TYPE ${name} counter\n${name} ${skipped}\n`;
}
