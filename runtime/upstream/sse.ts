/**
 * A minimal Server-Sent Events decoder for upstream streams: yields the `data` of each event
 * (multi-line data joined with "\n"), ignoring comments, `id`, `event` and `retry` fields, which
 * the proxy does not need to forward (it re-frames every message for its own clients).
 */
export class SseDecoder {
  private buffer = "";
  private data: string[] = [];

  /** Feed a chunk of text; returns the complete events' data it finished. */
  push(chunk: string): string[] {
    this.buffer += chunk;
    const out: string[] = [];
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      let line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (line === "") {
        if (this.data.length) out.push(this.data.join("\n"));
        this.data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "data") this.data.push(value);
    }
    return out;
  }
}
