/**
 * The audit surface in one call, for serve.ts to mount on whichever listener carries the admin
 * routes: the audit-event REST API (events-api.ts), the live stream (stream.ts) and the admin
 * identity, secrets and evidence-store routes (admin-api.ts).
 */
import type { EvidenceStore } from "../evidence/store.js";
import type { RouteTarget } from "../server/app.js";
import type { AdminAuth } from "./admin-auth.js";
import { registerAdminRoutes } from "./admin-api.js";
import { registerEventRoutes } from "./events-api.js";
import type { SecretMetadata } from "./secret-inventory.js";
import type { EvidenceStream } from "./stream.js";

export interface AuditRouteDeps {
  readonly auth: AdminAuth;
  readonly evidence: EvidenceStore;
  readonly stream: EvidenceStream;
  readonly secrets: () => SecretMetadata[];
}

export function registerAuditRoutes(target: RouteTarget, deps: AuditRouteDeps): void {
  registerEventRoutes(target, deps.evidence, deps.auth);
  deps.stream.register(target);
  registerAdminRoutes(target, { auth: deps.auth, evidence: deps.evidence, secrets: deps.secrets, stream: deps.stream });
}
