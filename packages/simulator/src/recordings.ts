import type { Random } from "./random.ts";
import { SECOND } from "./time.ts";
import type { SessionStart } from "./traffic.ts";

/** A session recording's file content and how long the session lasted. */
export interface Recording {
  /** Path relative to the home: `recordings/exec/<id>.cast` or `recordings/api/<id>.jsonl`. */
  readonly path: string;
  readonly content: string;
  readonly durationMs: number;
}

const SHELL_STEPS: readonly (readonly [string, string])[] = [
  [
    "ps aux | head -n 5",
    "PID   USER     TIME  COMMAND\r\n    1 app       2:41 /app/server --port=8080\r\n   42 app       0:00 sh\r\n",
  ],
  ["env | grep -c DB_", "3\r\n"],
  ["curl -s localhost:8080/healthz", '{"status":"ok","checks":{"db":"ok","cache":"degraded"}}\r\n'],
  [
    "cat /etc/resolv.conf",
    "search payments.svc.cluster.local svc.cluster.local cluster.local\r\nnameserver 10.96.0.10\r\n",
  ],
  ["ls -la /tmp", "total 8\r\ndrwxrwxrwt 2 root root 4096 .\r\ndrwxr-xr-x 1 root root 4096 ..\r\n"],
  [
    "tail -n 3 /var/log/app.log",
    "WARN pool exhausted, waiting\r\nINFO request id=7f3a done in 812ms\r\nERROR upstream timeout après 30s\r\n",
  ],
];

/** An asciicast v2 recording of a `kubectl exec` session (header line, then `[t, "i"|"o", data]`). */
export function execRecording(random: Random, session: SessionStart): Recording {
  const lines: string[] = [
    JSON.stringify({
      version: 2,
      width: 120,
      height: 34,
      timestamp: Math.floor(session.start / SECOND),
      env: { SHELL: "/bin/sh", TERM: "xterm-256color" },
      title: `kubectl exec -n ${session.namespace ?? "default"} ${session.pod ?? "pod"} -- sh`,
    }),
  ];
  let t = random.uniform(0.05, 0.4);
  const out = (kind: "i" | "o", data: string): void => {
    lines.push(JSON.stringify([Number(t.toFixed(6)), kind, data]));
  };
  out("o", "/ $ ");
  const steps = random.int(2, 5);
  for (let i = 0; i < steps; i++) {
    const [cmd, output] = random.pick(SHELL_STEPS);
    t += random.uniform(1.5, 9);
    out("i", `${cmd}\r`);
    t += random.uniform(0.01, 0.4);
    out("o", `${cmd}\r\n${output}/ $ `);
  }
  t += random.uniform(1, 4);
  out("i", "exit\r");
  t += 0.05;
  out("o", "exit\r\n");
  return {
    path: `recordings/exec/${session.sessionId}.cast`,
    content: `${lines.join("\n")}\n`,
    durationMs: Math.ceil(t * SECOND),
  };
}

/** An API session recording: one JSON line per call, bodies size-limited and secrets redacted. */
export function apiRecording(random: Random, session: SessionStart): Recording {
  const calls = random.int(3, 9);
  const lines: string[] = [];
  let t = session.start;
  const ns = session.event.namespace ?? "default";
  for (let i = 0; i < calls; i++) {
    const secret = random.chance(0.15);
    const path = secret
      ? `/api/v1/namespaces/${ns}/secrets/db-credentials`
      : i === 0
        ? session.event.path
        : `/api/v1/namespaces/${ns}/pods`;
    lines.push(
      JSON.stringify({
        timestamp: new Date(t).toISOString(),
        method: "GET",
        path,
        status: 200,
        duration_ms: random.int(3, 140),
        response_body: secret
          ? { kind: "Secret", data: { password: "[REDACTED]", username: "[REDACTED]" } }
          : { kind: "PodList", items: random.int(1, 12), truncated: random.chance(0.3) },
      }),
    );
    t += random.int(2, 90) * SECOND;
  }
  return {
    path: `recordings/api/${session.sessionId}.jsonl`,
    content: `${lines.join("\n")}\n`,
    durationMs: t - session.start,
  };
}
