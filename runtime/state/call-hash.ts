/**
 * The hash that binds confirm tokens and approvals to one call (LANGUAGE.md §7.1 steps 7–8):
 * sha256(C, agent, u, A) over RFC 8785 canonical JSON, so key order and number spelling in the
 * arguments do not change it, while any change of caller, agent, upstream tool or value does.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../helpers/canonical-json.js";

/** Hex SHA-256 of the canonical JSON of `[callerId, agent, upstreamTool, args ?? {}]`; null = anonymous. */
export function callHash(callerId: string | null, agent: string, upstreamTool: string, args: unknown): string {
  return createHash("sha256")
    .update(canonicalJson([callerId, agent, upstreamTool, args ?? {}]), "utf8")
    .digest("hex");
}
