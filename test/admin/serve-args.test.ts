/** `--admin-port` / `--admin-host` of `server.mjs` (runtime/serve.ts `parseServeArgs`). */
import { describe, expect, it } from "vitest";
import { parseServeArgs, UsageError } from "../../runtime/serve.js";

describe("admin listener flags", () => {
  it("default to no separate listener, on 127.0.0.1 when asked for", () => {
    expect(parseServeArgs([])).toMatchObject({ adminPort: null, adminHost: "127.0.0.1" });
    expect(parseServeArgs(["--admin-port", "9090"])).toMatchObject({ adminPort: 9090, adminHost: "127.0.0.1" });
    expect(parseServeArgs(["--admin-port", "0", "--admin-host", "::1"])).toMatchObject({ adminPort: 0, adminHost: "::1" });
  });

  it("refuse a bad port and the main listener's own address", () => {
    expect(() => parseServeArgs(["--admin-port", "http"])).toThrow(UsageError);
    expect(() => parseServeArgs(["--admin-port", "70000"])).toThrow(/--admin-port needs an integer in 0..65535/);
    expect(() => parseServeArgs(["--admin-port"])).toThrow(/needs a value/);
    expect(() => parseServeArgs(["--port", "8080", "--admin-port", "8080"])).toThrow(/--admin-port must differ from --port/);
    expect(parseServeArgs(["--port", "8080", "--admin-port", "8080", "--admin-host", "10.0.0.1"]).adminPort).toBe(8080);
  });
});
