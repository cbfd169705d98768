/**
 * RFC 8785 (JCS) canonical JSON for JSON values: object keys sorted by UTF-16 code units, no
 * whitespace, numbers and strings as ECMAScript `JSON.stringify` writes them (which is what JCS
 * specifies). Non-JSON values (undefined, functions) become `null`, as in arrays.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number") return Number.isFinite(value) ? JSON.stringify(value) : "null";
    if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
    return "null";
  }
  if (Array.isArray(value)) return "[" + value.map(canonicalJson).join(",") + "]";
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined && typeof obj[k] !== "function").sort();
  return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonicalJson(obj[k])).join(",") + "}";
}
