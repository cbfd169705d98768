/**
 * The matchers the runtime lends every bundle at load (`CompiledBundle.bind`, runtime/hooks.ts):
 * built-in detectors, user-declared detectors and regexes, all on `compileRegex` (RE2 for any
 * pattern that is not provably backtracking-safe), and `args_hash()` as idempotency computes it.
 * The reference interpreter uses the same helpers directly, so `talonc test`, the server and the
 * differential tests see one semantics.
 */
import type { BundleRuntime, TextMatcher } from "../hooks.js";
import { argsHash } from "../govern/idempotency-key.js";
import { declaredDetector, detector } from "./detectors.js";
import { compileRegex } from "./regex.js";

export const bundleRuntime: BundleRuntime = Object.freeze({
  detect(name: string, text: string): boolean {
    const d = detector(name);
    if (!d) throw new Error(`unknown built-in detector "${name}"`);
    return d.test(text);
  },
  regex(source: string, flags: string): TextMatcher {
    const re = compileRegex(source, flags);
    return { test: (text: string) => re.test(text) };
  },
  detector(patterns: readonly { readonly source: string; readonly flags: string }[], validators: readonly string[]): TextMatcher {
    const d = declaredDetector("declared", patterns, validators);
    return { test: (text: string) => d.test(text) };
  },
  argsHash,
});
