/**
 * Schema validation of a parsed vendor YAML with ajv (`allErrors`), and the mapping of each ajv
 * error to a TAL diagnostic at the YAML node it is about:
 *
 * - unknown key → TAL0702 at the key, with a "did you mean" over the keys allowed there;
 * - wrong type, enum, const, pattern, bound → TAL0704 at the value (`{k} must be {type}, found {found}`);
 *   a YAML 1.1 boolean (`yes`, `off`, …) where a boolean belongs → TAL0708;
 * - missing required key → TAL0704 at the parent's key.
 *
 * The validator is compiled once per process: ajv compiles a schema to a JS function, which is the
 * expensive part, and the schema never changes.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { checkInterpolation } from "./interpolation.js";
import { pathText, YamlLocator, type ConfigPath } from "./locate.js";
import { VENDOR_CONFIG_SCHEMA, type VendorConfig } from "./schema.js";

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
  ajv.addKeyword({ keyword: "x-expected", schemaType: "string" });
  compiled = ajv.compile(VENDOR_CONFIG_SCHEMA);
  return compiled;
}

/** YAML 1.1 spellings of booleans; YAML 1.2 (and so our loader) reads them as strings. */
const YAML11_BOOLEANS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/** Validate `value` (the document as plain data); report every problem; true when it is a `VendorConfig`. */
export function validateVendorConfig(value: unknown, loc: YamlLocator, diags: Diagnostics): value is VendorConfig {
  const validate = validator();
  if (validate(value)) return checkInterpolation(value as VendorConfig, loc, diags);
  const errors = validate.errors ?? [];
  // A value of the wrong type makes its other keyword errors noise; keep only the type error there.
  const typeErrorAt = new Set(errors.filter((e) => e.keyword === "type").map((e) => e.instancePath));
  for (const e of errors) {
    if (e.keyword === "if") continue; // the failing branch reports the real problem
    if (e.keyword !== "type" && e.keyword !== "required" && e.keyword !== "additionalProperties" && typeErrorAt.has(e.instancePath)) continue;
    reportAjvError(e, loc, diags);
  }
  return false;
}

function reportAjvError(e: ErrorObject, loc: YamlLocator, diags: Diagnostics): void {
  const path = YamlLocator.fromPointer(e.instancePath);
  const parent = e.parentSchema as Record<string, unknown> | undefined;
  switch (e.keyword) {
    case "additionalProperties": {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((parent?.["properties"] as object | undefined) ?? {});
      const help =
        key === "<<"
          ? "merge keys (`<<`) are not supported; write the keys out"
          : (didYouMean(key, allowed) ?? `keys allowed in ${where(path)}: ${allowed.map((k) => `\`${k}\``).join(", ")}`);
      diags.report("TAL0702", loc.key([...path, key]), { args: { k: key }, help });
      return;
    }
    case "required": {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      const props = (parent?.["properties"] as Record<string, Record<string, unknown>> | undefined) ?? {};
      const span = path.length === 0 ? loc.rootSpan() : loc.key(path);
      diags.report("TAL0704", span, {
        message: `missing required key \`${missing}\` in ${where(path)}`,
        help: `add \`${missing}:\` with ${expectedOf(props[missing], undefined)}`,
      });
      return;
    }
    case "type":
      if ((e.params as { type: string }).type === "boolean" && typeof e.data === "string" && YAML11_BOOLEANS.test(e.data)) {
        diags.report("TAL0708", loc.value(path), { args: { v: e.data }, help: "write `true` or `false`" });
        return;
      }
      break;
  }
  const args = { k: pathText(path), type: expectedOf(parent, e), found: describe(e.data) };
  // The template quotes `{k}`; the root has no key to quote.
  const message = path.length === 0 ? `the document must be ${args.type}, found ${args.found}` : undefined;
  diags.report("TAL0704", loc.value(path), { args, ...(message ? { message } : {}) });
}

/** `proxy.upstream` as "`proxy.upstream`", the root as "the document". */
function where(path: ConfigPath): string {
  return path.length === 0 ? "the document" : `\`${pathText(path)}\``;
}

/** What the schema wants, in words: our `x-expected`, else from the failing keyword. */
function expectedOf(schema: Record<string, unknown> | undefined, e: ErrorObject | undefined): string {
  if (schema && typeof schema["x-expected"] === "string") return schema["x-expected"];
  if (e?.keyword === "enum") return `one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => `\`${String(v)}\``).join(", ")}`;
  if (e?.keyword === "const") return `\`${String((e.params as { allowedValue: unknown }).allowedValue)}\``;
  if (schema?.["enum"]) return `one of ${(schema["enum"] as unknown[]).map((v) => `\`${String(v)}\``).join(", ")}`;
  if (schema?.["const"] !== undefined) return `\`${String(schema["const"])}\``;
  const type = e?.keyword === "type" ? (e.params as { type: string }).type : (schema?.["type"] as string | undefined);
  return TYPE_WORDS[type ?? ""] ?? "a value";
}

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "`true` or `false`",
  array: "a list",
  object: "a mapping",
};

/** A value as a message shows it: `string "a year"`, `number 5`, `a list`. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value)}`;
  if (typeof value === "boolean") return `boolean \`${value}\``;
  return `number \`${String(value)}\``;
}
