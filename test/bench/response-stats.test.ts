import { describe, expect, it } from "vitest";
import { checkResult, replyMessages, sseMessages } from "../../bench/load/response.js";
import { percentile, summarize } from "../../bench/load/stats.js";

const OK = JSON.stringify({ jsonrpc: "2.0", id: 7, result: { content: [], isError: false } });

describe("checkResult", () => {
  it("accepts a JSON result with the right id", () => {
    expect(checkResult(200, "application/json", OK, 7)).toBeNull();
  });

  it("accepts the result inside an SSE stream among other events", () => {
    const sse = `event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{}}\n\nid: 1\ndata: ${OK}\n\n`;
    expect(checkResult(200, "text/event-stream", sse, 7)).toBeNull();
  });

  it("names what is wrong", () => {
    expect(checkResult(401, "application/json", "{}", 7)).toMatch(/^HTTP 401/);
    expect(checkResult(200, "application/json", "not json", 7)).toMatch(/unparseable/);
    expect(checkResult(200, "application/json", OK, 8)).toMatch(/no response with id 8/);
    expect(checkResult(200, "application/json", JSON.stringify({ jsonrpc: "2.0", id: 7, error: { code: -32001, message: "denied" } }), 7))
      .toBe("JSON-RPC error -32001: denied");
    expect(checkResult(200, "application/json", JSON.stringify({ jsonrpc: "2.0", id: 7, result: { isError: true } }), 7))
      .toMatch(/^tool error/);
    expect(checkResult(200, "application/json", JSON.stringify({ jsonrpc: "1.0", id: 7, result: {} }), 7)).toMatch(/not JSON-RPC 2.0/);
    expect(checkResult(200, "application/json", JSON.stringify({ jsonrpc: "2.0", id: 7, result: 3 }), 7)).toMatch(/no result object/);
  });
});

describe("SSE and batch bodies", () => {
  it("joins multi-line data fields and accepts CRLF", () => {
    expect(sseMessages('data: {"a":\r\ndata: 1}\r\n\r\ndata:[2]\n')).toEqual([{ a: 1 }, [2]]);
  });
  it("spreads a JSON batch", () => {
    expect(replyMessages("application/json", "[1,2]")).toEqual([1, 2]);
  });
});

describe("stats", () => {
  it("takes nearest-rank percentiles", () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile(new Float64Array(0), 50)).toBe(0);
  });

  it("summarizes ns latencies in ms and req/s over wall time", () => {
    const lat = Float64Array.from([3e6, 1e6, 2e6, 4e6, 999]); // only the first 4 count
    const s = summarize(lat, 4, 2e9);
    expect(s).toEqual({ reqPerSec: 2, p50: 2, p95: 4, p99: 4, max: 4 });
  });
});
