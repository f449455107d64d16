/**
 * Hook state of each lifecycle kind (DESIGN §3.2, docs/data-contract.md §1.2). Every state may
 * carry `timestamp` (RFC 3339); the plugin stamps the current time when it is absent.
 */
interface Stamped {
  /** When it happened, RFC 3339. @default the plugin clock's now */
  timestamp?: string;
}

/** `agent:created`. */
export interface AgentCreatedState extends Stamped {
  agent: string;
  /** `mtls` or `token`. */
  identity?: string;
}
/** `agent:removed`. */
export interface AgentRemovedState extends Stamped {
  agent: string;
  actor?: string;
}
/** `token:issued` and `token:revoked`: only the `sha256:<hex>` fingerprint, never the token. */
export interface TokenState extends Stamped {
  agent: string;
  fingerprint: string;
}
/** `token:rotated`. */
export interface TokenRotatedState extends TokenState {
  previous_fingerprint?: string;
}
/** `cert:issued`, `cert:renewed`, `cert:revoked` (`agent` is `"proxy"` for the proxy's TLS certificate). */
export interface CertState extends Stamped {
  agent: string;
  serial: string;
  /** Lowercase hex SHA-256 of the DER bytes. */
  fingerprint: string;
  spiffe_id?: string;
  not_before: string;
  not_after: string;
}
/** `jit:issued`. */
export interface JitIssuedState extends Stamped {
  agent: string;
  /** `k8s-token` or `ssh-cert`. */
  kind: string;
  ttl_s?: number;
  namespace?: string;
  host?: string;
}
/** `policy:changed`. */
export interface PolicyChangedState extends Stamped {
  version?: string;
  /** Lowercase hex SHA-256 of the policy file. */
  sha256?: string;
  actor?: string;
  /** The policy document as a JSON object. */
  snapshot?: unknown;
}
/** `approval:requested`, `approval:granted`, `approval:denied`, `approval:expired`. */
export interface ApprovalState extends Stamped {
  request_id: string;
  agent?: string;
  approver?: string;
  wait_ms?: number;
}
/** `session:recorded`. */
export interface SessionRecordedState extends Stamped {
  agent?: string;
  session_id: string;
  type: "exec" | "api";
  bytes?: number;
  sha256?: string;
}
/** `proxy:started`, `proxy:stopped`. */
export interface ProxyState extends Stamped {
  proxy_id?: string;
  version?: string;
}

/** One hook per lifecycle kind: the hook name is the kind with `:` for `.`. */
export interface LifecycleHookStates {
  "agent:created": AgentCreatedState;
  "agent:removed": AgentRemovedState;
  "token:issued": TokenState;
  "token:rotated": TokenRotatedState;
  "token:revoked": TokenState;
  "cert:issued": CertState;
  "cert:renewed": CertState;
  "cert:revoked": CertState;
  "jit:issued": JitIssuedState;
  "policy:changed": PolicyChangedState;
  "approval:requested": ApprovalState;
  "approval:granted": ApprovalState;
  "approval:denied": ApprovalState;
  "approval:expired": ApprovalState;
  "session:recorded": SessionRecordedState;
  "proxy:started": ProxyState;
  "proxy:stopped": ProxyState;
}

/** A lifecycle hook name, e.g. `token:rotated`. */
export type LifecycleHookName = keyof LifecycleHookStates;

/** Every lifecycle hook name, in DESIGN §3.2 order. */
export const LIFECYCLE_HOOKS: readonly LifecycleHookName[] = [
  "agent:created",
  "agent:removed",
  "token:issued",
  "token:rotated",
  "token:revoked",
  "cert:issued",
  "cert:renewed",
  "cert:revoked",
  "jit:issued",
  "policy:changed",
  "approval:requested",
  "approval:granted",
  "approval:denied",
  "approval:expired",
  "session:recorded",
  "proxy:started",
  "proxy:stopped",
];

/** The ledger `event` kind a lifecycle hook records (`token:rotated` → `token.rotated`). */
export function lifecycleKindOf(hook: LifecycleHookName): string {
  return hook.replace(":", ".");
}
