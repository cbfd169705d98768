/**
 * Reading a Streamable HTTP reply: the server may answer a POST with `application/json` or with a
 * `text/event-stream` whose events carry JSON-RPC messages. The load generator accepts both (it
 * sends `Accept: application/json, text/event-stream`) and checks that the reply to request `id`
 * is a successful JSON-RPC result.
 */

/** The JSON-RPC messages a reply body carries, whichever of the two content types it uses. */
export function replyMessages(contentType: string, body: string): unknown[] {
  if (contentType.includes("text/event-stream")) return sseMessages(body);
  const parsed: unknown = JSON.parse(body);
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** JSON payloads of the SSE events in `body` (multi-line `data:` fields joined by "\n"). */
export function sseMessages(body: string): unknown[] {
  const out: unknown[] = [];
  let data: string[] = [];
  const flush = (): void => {
    if (data.length > 0) out.push(JSON.parse(data.join("\n")));
    data = [];
  };
  for (const rawLine of body.split("\n")) {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (line === "") flush();
    else if (line.startsWith("data:")) data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
  }
  flush();
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Check the reply to JSON-RPC request `id`. Returns null when it is a 200 carrying a result for
 * `id` that is not a tool error, else a short description of what is wrong.
 */
export function checkResult(status: number, contentType: string, body: string, id: number): string | null {
  if (status !== 200) return `HTTP ${status}: ${body.slice(0, 200)}`;
  let messages: unknown[];
  try {
    messages = replyMessages(contentType, body);
  } catch {
    return `unparseable ${contentType || "(no content-type)"} body: ${body.slice(0, 200)}`;
  }
  const reply = messages.find((m) => isRecord(m) && m.id === id);
  if (!isRecord(reply)) return `no response with id ${id} in: ${body.slice(0, 200)}`;
  if (reply.jsonrpc !== "2.0") return `response ${id} is not JSON-RPC 2.0`;
  if (isRecord(reply.error)) return `JSON-RPC error ${String(reply.error.code)}: ${String(reply.error.message)}`;
  if (!isRecord(reply.result)) return `response ${id} has no result object`;
  if (reply.result.isError === true) return `tool error: ${JSON.stringify(reply.result).slice(0, 200)}`;
  return null;
}
