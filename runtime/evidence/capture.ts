/**
 * What an agent's records hold (`evidence { capture … }`, LANGUAGE.md §8.2). Decisions are always
 * recorded. Without an `evidence` block, records hold the redaction report and the approval, never
 * request or response bodies; with one, exactly what it lists. Bodies are the redacted ones:
 * evidence holds only redacted data.
 */
import type { CompiledAgent } from "../hooks.js";

export interface Capture {
  readonly requests: boolean;
  readonly responses: boolean;
  readonly redactions: boolean;
}

const DEFAULT: Capture = Object.freeze({ requests: false, responses: false, redactions: true });

const cache = new WeakMap<CompiledAgent, Capture>();

export function captureOf(agent: CompiledAgent): Capture {
  let c = cache.get(agent);
  if (c === undefined) {
    const list = agent.evidence?.capture;
    c = list === undefined ? DEFAULT : Object.freeze({
      requests: list.includes("requests"),
      responses: list.includes("responses"),
      redactions: list.includes("redactions"),
    });
    cache.set(agent, c);
  }
  return c;
}
