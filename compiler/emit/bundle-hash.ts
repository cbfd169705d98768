/**
 * The bundle hash: `sha256(compilerVersion + "\n" + canonical JSON of the IR with its `at`
 * positions)`, in hex. The canonical form (sorted keys, sorted sets and collections) makes the
 * hash independent of declaration and file order; keeping the positions means a change that only
 * moves rules still changes the hash, as it changes the provenance in the emitted code and the
 * manifest. Evidence records carry this hash. `test` blocks are left out: they do not change what
 * the bundle does, and editing a test must not make evidence name a different policy.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../ir/canonical.js";
import { policyOf, type BundleIR } from "../ir/ir.js";

/** The bundle hash of an IR, as hex. */
export function bundleHash(ir: BundleIR, compilerVersion: string): string {
  return createHash("sha256")
    .update(`${compilerVersion}\n${canonicalJson(policyOf(ir), { withAt: true })}`)
    .digest("hex");
}
