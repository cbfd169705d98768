/**
 * RFC 8785 (JCS) canonical JSON, from the `canonicalize` package: object keys sorted by UTF-16
 * code units, no whitespace, numbers and strings as ECMAScript writes them. Top-level values JSON
 * cannot hold (undefined) become `null`. It throws on NaN/Infinity, which parsed JSON never holds.
 */
import canonicalizeModule from "canonicalize";

// The package is CommonJS (`module.exports = serialize`) with an ESM-style `export default` in its
// typings; under NodeNext the import is the function itself at run time, so the type is restated.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

export function canonicalJson(value: unknown): string {
  return canonicalize(value) ?? "null";
}
