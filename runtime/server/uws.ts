/**
 * Loading uWebSockets.js. The package we depend on (`@trufflesuite/uws-js-unofficial`, aliased as
 * `uWebSockets.js`) ships native binaries for Node 16–20 and silently falls back to a slow
 * pure-Node implementation when none loads. We detect which one we got, warn at start, and report
 * it in `/info`, because the fallback changes latency by an order of magnitude.
 */
import { createRequire } from "node:module";
import type * as UWS from "uWebSockets.js";

const require = createRequire(import.meta.url);

export type UwsModule = typeof UWS;

export interface UwsBuild {
  readonly uws: UwsModule;
  /** "native" when the compiled addon loaded, "fallback" for the pure-Node implementation. */
  readonly kind: "native" | "fallback";
}

let loaded: UwsBuild | undefined;

/** Load uWS once. The native addon exports `SSLApp` and `getParts`; the fallback does not. */
export function loadUws(): UwsBuild {
  if (loaded) return loaded;
  const uws = require("uWebSockets.js") as UwsModule;
  const kind = typeof (uws as { getParts?: unknown }).getParts === "function" ? "native" : "fallback";
  loaded = { uws, kind };
  return loaded;
}
