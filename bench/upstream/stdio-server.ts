/**
 * The fast upstream's stdio front end: newline-delimited JSON-RPC on stdin/stdout (the MCP stdio
 * transport). There are no sessions on stdio; logs go to stderr only, because anything else on
 * stdout would corrupt the stream.
 */
import { JSONRPC_ERRORS, answer, errorResponse } from "./jsonrpc.js";

/** Answer one line of input; null when nothing is to be written back. */
export function answerLine(line: string): string | null {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return errorResponse(null, JSONRPC_ERRORS.parse, "Parse error");
  }
  if (Array.isArray(message)) {
    const replies = message.map(answer).filter((r): r is string => r !== null);
    return replies.length === 0 ? null : `[${replies.join(",")}]`;
  }
  return answer(message);
}

/**
 * Serve on the given streams until input ends. All replies produced by one input chunk are
 * written with a single `write`, so a proxy that pipelines many calls costs one syscall per chunk.
 */
export function serveStdio(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  let pending = "";
  input.setEncoding("utf8");
  input.on("data", (chunk: string) => {
    pending += chunk;
    let out = "";
    let start = 0;
    for (let nl = pending.indexOf("\n", start); nl !== -1; nl = pending.indexOf("\n", start)) {
      const line = pending.slice(start, nl).trim();
      start = nl + 1;
      if (line === "") continue;
      const reply = answerLine(line);
      if (reply !== null) out += reply + "\n";
    }
    pending = pending.slice(start);
    if (out !== "") output.write(out);
  });
  return new Promise((resolve) => input.on("end", () => resolve()));
}
