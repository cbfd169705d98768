/**
 * Where a pool connects: scheme, host and port of an `http:` or `https:` URL, plus the request
 * line suffix and `host` field every request to it starts with.
 */

/** A parsed origin. */
export interface Origin {
  /** Connect with TLS. */
  readonly secure: boolean;
  /** Host name or IP address to connect to (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  /** `" HTTP/1.1\r\nhost: <host[:port]>\r\n"`, which follows `METHOD path` in every request. */
  readonly prefix: string;
  /** `scheme://host[:port]`, for messages. */
  readonly text: string;
}

/** Parse an origin from a URL (its path, query and fragment are ignored). Throws on other schemes. */
export function parseOrigin(url: string | URL): Origin {
  const u = typeof url === "string" ? new URL(url) : url;
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new Error(`upstream URL must be http: or https:, not ${JSON.stringify(u.protocol)}`);
  }
  const secure = u.protocol === "https:";
  const host = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
  const port = u.port === "" ? (secure ? 443 : 80) : Number(u.port);
  // URL.host already omits a default port and keeps IPv6 brackets, as the Host field wants.
  return { secure, host, port, prefix: ` HTTP/1.1\r\nhost: ${u.host}\r\n`, text: u.origin };
}
