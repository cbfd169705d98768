/**
 * `${VAR}` in vendor YAML (LANGUAGE.md §9): allowed only in secret fields, where it becomes
 * `env("VAR")`. Anywhere else it would be kept as literal text (a URL of `${UPSTREAM}` is not what
 * anyone means), so it is an error there. A literal upstream credential has no AST slot to carry
 * it to `check`, so TAL1001 is reported here; a literal vendor token is carried (`literalToken`)
 * and `check` reports it.
 */
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import { pathText, type ConfigPath, type YamlLocator } from "./locate.js";
import type { VendorConfig } from "./schema.js";

const ENV_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** `"${ZENDESK_AI_TOKEN}"` → `"ZENDESK_AI_TOKEN"`; anything else → undefined. */
export function envVarOf(text: string): string | undefined {
  return ENV_REF.exec(text)?.[1];
}

/** Is this path a secret field (where `${VAR}` is read)? */
function isSecretField(path: ConfigPath): boolean {
  const p = path.map((s) => (typeof s === "number" ? "[]" : s)).join(".");
  return p === "proxy.upstream.auth.value" || p === "proxy.auth.tokens.[].token";
}

/** Regexes have their own `$` and `{`; they are not interpolation sites. */
function isPattern(path: ConfigPath): boolean {
  return path[0] === "pii_handling" && path[path.length - 2] === "patterns";
}

/** Report misplaced or malformed `${…}` and a literal upstream secret; true when none were found. */
export function checkInterpolation(config: VendorConfig, loc: YamlLocator, diags: Diagnostics): boolean {
  let ok = true;
  const visit = (value: unknown, path: ConfigPath): void => {
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, i]));
    else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
    else if (typeof value === "string") ok = checkString(value, path, loc, diags) && ok;
  };
  visit(config, []);
  return ok;
}

function checkString(value: string, path: ConfigPath, loc: YamlLocator, diags: Diagnostics): boolean {
  const k = pathText(path);
  if (isSecretField(path)) {
    if (envVarOf(value) !== undefined) return true;
    if (value.includes("${")) {
      diags.report("TAL0704", loc.value(path), {
        args: { k, type: "`${VAR}` (one environment variable, nothing around it)", found: JSON.stringify(value) },
        help: "put the whole credential in the environment variable",
      });
      return false;
    }
    if (path[1] === "upstream") {
      diags.report("TAL1001", loc.value(path), { help: "write `value: \"${UPSTREAM_TOKEN}\"` and set UPSTREAM_TOKEN in the environment" });
      return false;
    }
    return true; // a literal vendor token: lowered to `literalToken`, reported by check (TAL1001)
  }
  if (value.includes("${") && !isPattern(path)) {
    diags.report("TAL0704", loc.value(path), {
      message: `\`${k}\` cannot use \`\${…}\`: only secret fields (\`proxy.upstream.auth.value\`, \`proxy.auth.tokens[].token\`) read the environment`,
      help: "write the value itself",
    });
    return false;
  }
  return true;
}
