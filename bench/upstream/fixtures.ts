/**
 * The constant data the fast upstream serves: its identity, its one tool and the ~1 KiB result
 * every `tools/call` returns. The result carries requester emails and phone numbers so that a
 * policy's redaction rules have real work to do when Talon sits in front of this server.
 */

/** Protocol revisions the upstream accepts in `initialize` (echoed back when offered). */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly string[] = ["2025-03-26", "2025-06-18", "2025-11-25"];

/** The revision answered when a client offers one we do not know. */
export const LATEST_PROTOCOL_VERSION = "2025-11-25";

/** `serverInfo` of the fast upstream. */
export const SERVER_INFO = { name: "talon-bench-fast-upstream", version: "1.0.0" } as const;

/** The name of the only tool. */
export const TOOL_NAME = "ticket_search";

/** The `tools/list` entry of `ticket_search`. */
export const TICKET_SEARCH_TOOL = {
  name: TOOL_NAME,
  title: "Search support tickets",
  description: "Full-text search over support tickets; returns at most 3 matches.",
  inputSchema: {
    type: "object",
    properties: {
      query: { type: "string", description: "Search text" },
      limit: { type: "integer", minimum: 1, maximum: 3 },
    },
    required: ["query"],
    additionalProperties: false,
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
} as const;

const TICKETS = {
  tickets: [
    {
      id: 45231,
      subject: "eSIM activation issue",
      status: "open",
      description: "Call me on +34612345789",
      requester: { email: "ana.ruiz@example.com", phone: "+34 612 345 789" },
    },
    {
      id: 45232,
      subject: "Double charge",
      status: "pending",
      description: "Charged twice in March",
      requester: { email: "ben.okafor@example.org", phone: "+44 20 7946 0958" },
    },
    {
      id: 45233,
      subject: "Roaming data",
      status: "solved",
      description: "No data in Portugal",
      requester: { email: "chen.wei@example.net", phone: "+1 415 555 0134" },
    },
  ],
};

/** The `CallToolResult` of every call: structuredContent plus its mirrored text block (MCP 2025-06-18+). */
export const TICKET_SEARCH_RESULT = {
  content: [{ type: "text", text: JSON.stringify(TICKETS) }],
  structuredContent: TICKETS,
  isError: false,
};

/** `TICKET_SEARCH_RESULT` serialized once; responses splice it in instead of re-stringifying. */
export const TICKET_SEARCH_RESULT_JSON = JSON.stringify(TICKET_SEARCH_RESULT);
