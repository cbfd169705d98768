/**
 * DNS-rebinding protection (MCP basic/transports; conformance `dns-rebinding`): a request whose
 * `Host` is not one we serve, or whose `Origin` is present but not allowed, gets 403 before any
 * MCP processing. On by default for loopback listeners, where the allowed hosts are localhost,
 * 127.0.0.1 and [::1] on any port; `--allowed-host`/`--allowed-origin` extend the lists.
 */

export interface GuardConfig {
  /** Host names (without port) accepted in `Host`; empty = any host (non-loopback listener without config). */
  readonly hosts: ReadonlySet<string>;
  /** Exact origins accepted in `Origin` (scheme://host[:port]); loopback origins are accepted when `loopbackOrigins`. */
  readonly origins: ReadonlySet<string>;
  readonly loopbackOrigins: boolean;
}

const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]", "::1"];

export function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "localhost" || host === "::1" || host === "[::1]" || host.startsWith("127.");
}

export function guardConfig(listenHost: string, extraHosts: readonly string[], extraOrigins: readonly string[]): GuardConfig {
  const loopback = isLoopback(listenHost);
  const hosts = new Set<string>(extraHosts.map((h) => h.toLowerCase()));
  if (loopback) for (const h of LOOPBACK_HOSTS) hosts.add(h);
  return { hosts, origins: new Set(extraOrigins.map((o) => o.toLowerCase())), loopbackOrigins: loopback };
}

/** The host part of a Host header value: `[::1]:8080` → `[::1]`, `a.example:80` → `a.example`. */
function hostName(value: string): string {
  const v = value.toLowerCase();
  if (v.startsWith("[")) {
    const end = v.indexOf("]");
    return end < 0 ? v : v.slice(0, end + 1);
  }
  const colon = v.indexOf(":");
  return colon < 0 ? v : v.slice(0, colon);
}

/** Undefined when allowed, else the reason for a 403. */
export function checkHostAndOrigin(cfg: GuardConfig, host: string, origin: string): string | undefined {
  if (cfg.hosts.size > 0 && !cfg.hosts.has(hostName(host))) return `Host ${JSON.stringify(host)} is not allowed`;
  if (origin !== "") {
    const o = origin.toLowerCase();
    if (cfg.origins.has(o)) return undefined;
    if (cfg.loopbackOrigins) {
      try {
        const u = new URL(o);
        if ((u.protocol === "http:" || u.protocol === "https:") && isLoopback(u.hostname)) return undefined;
      } catch {
        /* fall through to the refusal */
      }
    }
    return `Origin ${JSON.stringify(origin)} is not allowed`;
  }
  return undefined;
}
