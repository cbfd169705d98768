/**
 * The example Talos-like cluster admin upstream (LANGUAGE.md §13.2), driven directly with the v1
 * SDK client over stdio and Streamable HTTP: the twelve tools and their schemas, what each does
 * to the simulated cluster, the secrets its results carry (which the policy's `redact` and
 * `block response` rules must catch, checked here with the runtime's own detectors), the prompt,
 * and the call counters that let proxy tests prove a denied call never arrived.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { collectInputs, compile } from "../../compiler/index.js";
import { Diagnostics } from "../../compiler/diagnostics/diagnostic.js";
import type { CompiledAgent, RedactionRuleSpec } from "../../runtime/hooks.js";
import { detector } from "../../runtime/helpers/detectors.js";
import { redactResult, toolRedaction, type RedactionEntry } from "../../runtime/redact/plan.js";
import { TALOS_UPSTREAM, startHttpServer, type RunningServer } from "../fixtures/spawn-server.js";
// @ts-expect-error: a plain ESM JavaScript module without type declarations
import { MACHINE_CONFIG_SECRET_VALUES } from "../../examples/talos-cluster-admin/upstream/secrets.mjs";

const READ_TOOLS = [
  "talos_version", "talos_system_stats", "talos_list_containers", "talos_service_logs",
  "talos_etcd_status", "talos_dmesg", "talos_kubeconfig",
];
const DESTRUCTIVE_TOOLS = ["talos_reboot", "talos_apply_config", "talos_reset", "talos_upgrade", "talos_etcd_remove_member"];
const TOOL_NAMES = [...READ_TOOLS, ...DESTRUCTIVE_TOOLS];
const ZERO_COUNTS = Object.fromEntries(TOOL_NAMES.map((name) => [name, 0]));
const CLIENT_INFO = { name: "talos-upstream-test", version: "1.0.0" };
const CONTROL_PLANE = ["10.0.0.10", "10.0.0.11", "10.0.0.12"];
const WORKERS = ["10.0.0.21", "10.0.0.22", "10.0.0.23"];

interface CallResult { content: { type: string; text?: string }[]; structuredContent?: unknown; isError?: boolean }
interface NodeStats { node: string; hostname: string; role: string; uptime_seconds: number; boot_id: number }
interface MachineConfig {
  machine: { type: string; token: string; ca: { crt: string; key: string }; network: { hostname: string } };
  cluster: {
    token: string; secretboxEncryptionSecret: string; aescbcEncryptionSecret: string;
    ca: { crt: string; key: string }; etcd: { ca: { key: string } };
  };
}
interface ApplyNode { node: string; applied: boolean; staged?: boolean; rebooted: boolean; config_version: number; config: MachineConfig }

function tempCountsFile(): { file: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), "talos-upstream-"));
  return { file: join(dir, "counts.json"), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

function readCounts(file: string): Record<string, number> {
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, number>;
}

/** Calls a tool and checks the text block mirrors the structured content. */
async function call<T>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const result = await client.callTool({ name, arguments: args }) as CallResult;
  expect(result.isError, result.content[0]?.text).toBeFalsy();
  expect(result.content[0]?.type).toBe("text");
  expect(JSON.parse(result.content[0]!.text!)).toEqual(result.structuredContent);
  return result.structuredContent as T;
}

/** Calls a tool that must fail with a tool-level error; returns the error text. */
async function callError(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const result = await client.callTool({ name, arguments: args }) as CallResult;
  expect(result.isError).toBe(true);
  return result.content[0]?.text ?? "";
}

async function stats(client: Client, node: string): Promise<NodeStats> {
  const { nodes } = await call<{ nodes: NodeStats[] }>(client, "talos_system_stats", { nodes: [node] });
  expect(nodes).toHaveLength(1);
  return nodes[0]!;
}

describe("talos upstream over stdio (v1 client)", () => {
  const counts = tempCountsFile();
  let client: Client;
  const expected: Record<string, number> = { ...ZERO_COUNTS };
  /** Keeps `expected` in step with the calls a test makes. */
  const count = (name: string, n = 1) => { expected[name] = (expected[name] ?? 0) + n; };

  beforeAll(async () => {
    client = new Client(CLIENT_INFO);
    await client.connect(new StdioClientTransport({
      command: process.execPath,
      args: [TALOS_UPSTREAM],
      env: { ...process.env, TALOS_UPSTREAM_COUNTS_FILE: counts.file } as Record<string, string>,
      stderr: "pipe",
    }));
  });
  afterAll(async () => {
    await client?.close();
    counts.dispose();
  });

  it("writes zero counts at start", () => {
    expect(readCounts(counts.file)).toEqual(ZERO_COUNTS);
  });

  it("lists the twelve tools with input and output schemas and honest annotations", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type).toBe("object");
      expect(tool.description).toBeTruthy();
      if (READ_TOOLS.includes(tool.name)) expect(tool.annotations?.readOnlyHint).toBe(true);
      else expect(tool.annotations?.destructiveHint).toBe(true);
    }
    const byName = new Map(tools.map((t) => [t.name, t.inputSchema as {
      properties?: Record<string, { type?: string; enum?: string[]; items?: { type?: string }; minItems?: number }>;
      required?: string[];
    }]));
    for (const name of DESTRUCTIVE_TOOLS.filter((n) => n !== "talos_etcd_remove_member")) {
      const schema = byName.get(name)!;
      expect(schema.required).toContain("nodes");
      expect(schema.properties?.nodes).toMatchObject({ type: "array", items: { type: "string" }, minItems: 1 });
    }
    expect(byName.get("talos_version")?.properties?.nodes).toMatchObject({ type: "array", items: { type: "string" } });
    expect(byName.get("talos_version")?.required ?? []).toEqual([]);
    const apply = byName.get("talos_apply_config")!;
    expect(apply.properties?.mode?.enum).toEqual(["auto", "no-reboot", "reboot", "staged", "try"]);
    expect(apply.properties?.dry_run?.type).toBe("boolean");
    expect(byName.get("talos_reboot")?.properties?.dry_run?.type).toBe("boolean");
    expect(byName.get("talos_etcd_remove_member")?.required).toEqual(["member"]);
    expect(byName.get("talos_service_logs")?.required).toEqual(["node", "service"]);
  });

  it("reports versions for all six nodes, or the ones asked for", async () => {
    const all = await call<{ nodes: { node: string; tag: string; kubernetes: string }[] }>(client, "talos_version");
    expect(all.nodes.map((n) => n.node)).toEqual([...CONTROL_PLANE, ...WORKERS]);
    for (const n of all.nodes) expect(n).toMatchObject({ tag: "v1.9.5", kubernetes: "v1.32.3" });
    const one = await call<{ nodes: { node: string }[] }>(client, "talos_version", { nodes: ["worker-2"] });
    expect(one.nodes.map((n) => n.node)).toEqual(["10.0.0.22"]);
    expect(await callError(client, "talos_version", { nodes: ["10.0.0.99"] })).toMatch(/node 10\.0\.0\.99 not found/);
    count("talos_version", 3);
  });

  it("reports system stats with days of uptime", async () => {
    const { nodes } = await call<{ nodes: NodeStats[] }>(client, "talos_system_stats");
    expect(nodes.map((n) => [n.node, n.role])).toEqual([
      ...CONTROL_PLANE.map((ip) => [ip, "controlplane"]), ...WORKERS.map((ip) => [ip, "worker"]),
    ]);
    for (const n of nodes) expect(n.uptime_seconds).toBeGreaterThan(2 * 86_400);
    count("talos_system_stats");
  });

  it("lists system containers (etcd only on the control plane) and Kubernetes pods", async () => {
    type Listing = { namespace: string; nodes: { node: string; containers: { id: string; state: string }[] }[] };
    const system = await call<Listing>(client, "talos_list_containers", { nodes: ["10.0.0.10", "10.0.0.21"] });
    expect(system.namespace).toBe("system");
    const [cp, worker] = system.nodes;
    expect(cp!.containers.map((c) => c.id)).toContain("etcd");
    expect(worker!.containers.map((c) => c.id)).not.toContain("etcd");
    expect(worker!.containers.map((c) => c.id)).toContain("kubelet");
    const k8s = await call<Listing>(client, "talos_list_containers", { nodes: ["10.0.0.11"], namespace: "k8s" });
    expect(k8s.nodes[0]!.containers.map((c) => c.id)).toContain("kube-system/kube-apiserver-cp-2");
    count("talos_list_containers", 2);
  });

  it("tails a service log, and refuses a service the node does not run", async () => {
    const logs = await call<{ node: string; service: string; lines: string[] }>(
      client, "talos_service_logs", { node: "cp-1", service: "etcd", tail_lines: 2 });
    expect(logs).toMatchObject({ node: "10.0.0.10", service: "etcd" });
    expect(logs.lines).toEqual([expect.stringMatching(/etcd: peer cp-2 active$/), expect.stringMatching(/etcd: peer cp-3 active$/)]);
    expect(await callError(client, "talos_service_logs", { node: "10.0.0.21", service: "etcd" }))
      .toMatch(/service etcd not found on 10\.0\.0\.21/);
    count("talos_service_logs", 2);
  });

  it("reports etcd membership from the control plane, and errors on a worker", async () => {
    const status = await call<{ members: { hostname: string }[]; nodes: { node: string; leader: boolean }[] }>(
      client, "talos_etcd_status");
    expect(status.members.map((m) => m.hostname)).toEqual(["cp-1", "cp-2", "cp-3"]);
    expect(status.nodes.map((n) => [n.node, n.leader])).toEqual([["10.0.0.10", true], ["10.0.0.11", false], ["10.0.0.12", false]]);
    expect(await callError(client, "talos_etcd_status", { nodes: ["10.0.0.22"] })).toBe("etcd is not running on worker 10.0.0.22");
    count("talos_etcd_status", 2);
  });

  it("returns kernel messages, honouring tail_lines", async () => {
    const dmesg = await call<{ nodes: { node: string; lines: string[] }[] }>(client, "talos_dmesg", { nodes: ["10.0.0.23"], tail_lines: 2 });
    expect(dmesg.nodes[0]!.lines).toHaveLength(2);
    expect(dmesg.nodes[0]!.lines[0]).toContain("eth0: link up");
    count("talos_dmesg");
  });

  it("returns a kubeconfig holding a JWT and a PEM private key (work for `block response`)", async () => {
    const kc = await call<{ node: string; context: string; kubeconfig: string }>(client, "talos_kubeconfig");
    expect(kc.node).toBe("10.0.0.10");
    expect(kc.kubeconfig).toMatch(/^apiVersion: v1\nkind: Config\n/);
    expect(kc.kubeconfig).toContain("-----BEGIN PRIVATE KEY-----");
    expect(detector("jwt")!.test(kc.kubeconfig)).toBe(true);
    expect(detector("private_key")!.test(kc.kubeconfig)).toBe(true);
    expect(await callError(client, "talos_kubeconfig", { nodes: ["10.0.0.21"] })).toMatch(/is a worker/);
    count("talos_kubeconfig", 2);
  });

  it("dry-runs apply_config: nothing changes, the config carries the four secrets the policy redacts", async () => {
    const before = await stats(client, "10.0.0.21");
    const result = await call<{ dry_run: boolean; mode: string; nodes: ApplyNode[] }>(
      client, "talos_apply_config", { nodes: ["10.0.0.21"], mode: "auto", dry_run: true });
    expect(result).toMatchObject({ dry_run: true, mode: "auto" });
    const [node] = result.nodes;
    expect(node).toMatchObject({ node: "10.0.0.21", applied: false, rebooted: false, config_version: 1 });
    const { machine, cluster } = node!.config;
    expect(machine.type).toBe("worker");
    for (const secret of [machine.token, machine.ca.key, cluster.token, cluster.ca.key, cluster.etcd.ca.key,
      cluster.secretboxEncryptionSecret, cluster.aescbcEncryptionSecret]) {
      expect(secret).toMatch(/^[A-Za-z0-9+/=.]{16,}$/);
    }
    // Keys are base64-encoded as in real Talos configs: redaction has work, `block response` does not fire.
    expect(Buffer.from(machine.ca.key, "base64").toString()).toMatch(/^-----BEGIN ED25519 PRIVATE KEY-----\n/);
    const text = JSON.stringify(result);
    expect(detector("private_key")!.test(text)).toBe(false);
    expect(detector("jwt")!.test(text)).toBe(false);
    const after = await stats(client, "10.0.0.21");
    expect(after.boot_id).toBe(before.boot_id);
    count("talos_system_stats", 2);
    count("talos_apply_config");
  });

  it("applies a config patch without a reboot (no-reboot), and with one (reboot)", async () => {
    const patch = { machine: { network: { hostname: "worker-1-renamed" } } };
    const quiet = await call<{ nodes: ApplyNode[] }>(client, "talos_apply_config",
      { nodes: ["10.0.0.21"], mode: "no-reboot", config_patch: patch });
    expect(quiet.nodes[0]).toMatchObject({ applied: true, rebooted: false, config_version: 2 });
    expect(quiet.nodes[0]!.config.machine.network.hostname).toBe("worker-1-renamed");
    expect((await stats(client, "10.0.0.21")).uptime_seconds).toBeGreaterThan(86_400);

    const loud = await call<{ nodes: ApplyNode[] }>(client, "talos_apply_config", { nodes: ["10.0.0.22"], mode: "reboot" });
    expect(loud.nodes[0]).toMatchObject({ applied: true, rebooted: true, config_version: 2 });
    expect((await stats(client, "10.0.0.22")).uptime_seconds).toBeLessThan(60);
    count("talos_apply_config", 2);
    count("talos_system_stats", 2);
  });

  it("stages a config until the next reboot", async () => {
    const staged = await call<{ nodes: ApplyNode[] }>(client, "talos_apply_config",
      { nodes: ["10.0.0.12"], mode: "staged", config_patch: { machine: { network: { hostname: "cp-3b" } } } });
    expect(staged.nodes[0]).toMatchObject({ applied: false, staged: true, rebooted: false, config_version: 1 });
    expect(staged.nodes[0]!.config.machine.network.hostname).toBe("cp-3");
    await call(client, "talos_reboot", { nodes: ["10.0.0.12"] });
    const dry = await call<{ nodes: ApplyNode[] }>(client, "talos_apply_config", { nodes: ["10.0.0.12"], dry_run: true });
    expect(dry.nodes[0]).toMatchObject({ config_version: 2 });
    expect(dry.nodes[0]!.config.machine.network.hostname).toBe("cp-3b");
    count("talos_apply_config", 2);
    count("talos_reboot");
  });

  it("reboots: uptime restarts and the boot id goes up; dry_run changes nothing", async () => {
    const before = await stats(client, "10.0.0.11");
    expect(before.uptime_seconds).toBeGreaterThan(86_400);
    const dry = await call<{ dry_run: boolean; nodes: { rebooted: boolean; boot_id: number }[] }>(
      client, "talos_reboot", { nodes: ["10.0.0.11"], dry_run: true });
    expect(dry).toMatchObject({ dry_run: true, nodes: [{ rebooted: false, boot_id: before.boot_id }] });
    expect((await stats(client, "10.0.0.11")).boot_id).toBe(before.boot_id);

    const done = await call<{ nodes: { node: string; rebooted: boolean; previous_uptime_seconds: number; boot_id: number }[] }>(
      client, "talos_reboot", { nodes: ["cp-2"] });
    expect(done.nodes[0]).toMatchObject({ node: "10.0.0.11", rebooted: true, boot_id: before.boot_id + 1 });
    expect(done.nodes[0]!.previous_uptime_seconds).toBeGreaterThanOrEqual(before.uptime_seconds);
    const after = await stats(client, "10.0.0.11");
    expect(after.uptime_seconds).toBeLessThan(60);
    expect(after.boot_id).toBe(before.boot_id + 1);
    count("talos_system_stats", 3);
    count("talos_reboot", 2);
  });

  it("returns nothing the §13.2 redact rule misses: every machine-config secret is gone after it", async () => {
    // The rule as compiled from talos.talon, run through the runtime's redaction walker.
    const diags = new Diagnostics();
    const ir = compile(collectInputs("examples/talos-cluster-admin", diags), { until: "ir" }).ir!;
    const rule = ir.agents.find((a) => a.name === "talos")!.rules.find((r) => r.kind === "redact")!;
    if (rule.kind !== "redact") throw new Error("no redact rule");
    expect(rule.paths).toEqual(["**.ca.key", "**.token", "**.secretboxEncryptionSecret", "**.aescbcEncryptionSecret"]);
    const spec: RedactionRuleSpec = {
      id: rule.id, paths: rule.paths, matching: rule.matching, method: rule.method, scopes: rule.scopes,
      tools: null, classes: null, when: null,
    };
    const agent = { redactions: [spec] } as unknown as CompiledAgent;

    const response = await client.callTool({
      name: "talos_apply_config", arguments: { nodes: ["10.0.0.10", "10.0.0.21"], mode: "try", dry_run: true },
    });
    const before = JSON.stringify(response);
    const secrets = MACHINE_CONFIG_SECRET_VALUES as readonly string[];
    for (const secret of secrets) expect(before).toContain(secret);
    const report: RedactionEntry[] = [];
    const after = JSON.stringify(redactResult(toolRedaction(agent, "talos_apply_config", "destructive"), response, null, report));
    for (const secret of secrets) expect(after).not.toContain(secret);
    expect(report.map((e) => e.pointer)).toContain("/structuredContent/nodes/1/config/cluster/etcd/ca/key");
    expect(after).toContain('"secretboxEncryptionSecret":"[REDACTED]"');
    count("talos_apply_config");
  });

  it("upgrades, removes an etcd member and resets a node", async () => {
    const upgrade = await call<{ nodes: { from: string; to: string; rebooted: boolean }[] }>(
      client, "talos_upgrade", { nodes: ["10.0.0.23"], image: "ghcr.io/siderolabs/installer:v1.10.0" });
    expect(upgrade.nodes[0]).toEqual({ node: "10.0.0.23", from: "v1.9.5", to: "v1.10.0", staged: false, rebooted: true });
    const versions = await call<{ nodes: { tag: string }[] }>(client, "talos_version", { nodes: ["10.0.0.23"] });
    expect(versions.nodes[0]!.tag).toBe("v1.10.0");
    expect(await callError(client, "talos_upgrade", { nodes: ["10.0.0.23"], image: "installer:latest" })).toMatch(/no vX\.Y\.Z tag/);

    const removed = await call<{ removed: string; members: string[] }>(client, "talos_etcd_remove_member", { member: "10.0.0.12" });
    expect(removed).toEqual({ removed: "cp-3", members: ["cp-1", "cp-2"] });
    expect(await callError(client, "talos_etcd_remove_member", { member: "cp-3" })).toBe("etcd member cp-3 not found");

    const reset = await call<{ nodes: { node: string; reset: boolean; stage: string }[] }>(
      client, "talos_reset", { nodes: ["10.0.0.22"] });
    expect(reset.nodes).toEqual([{ node: "10.0.0.22", reset: true, stage: "maintenance" }]);
    const after = await call<{ nodes: { stage: string }[] }>(client, "talos_version", { nodes: ["10.0.0.22"] });
    expect(after.nodes[0]!.stage).toBe("maintenance");
    count("talos_upgrade", 2);
    count("talos_version", 2);
    count("talos_etcd_remove_member", 2);
    count("talos_reset");
  });

  it("rejects arguments that do not match the input schema", async () => {
    expect(await callError(client, "talos_reboot", { nodes: [] })).toMatch(/validation/i);
    expect(await callError(client, "talos_apply_config", { nodes: ["10.0.0.21"], mode: "interactive" })).toMatch(/validation/i);
    // The SDK validates before the handler runs, so these never reach the counters.
  });

  it("counts every call that reached a tool, in the stats resource and the counts file", async () => {
    const resource = await client.readResource({ uri: "talos://stats/calls" });
    const content = resource.contents[0] as { mimeType?: string; text?: string };
    expect(content.mimeType).toBe("application/json");
    expect(JSON.parse(content.text!)).toEqual(expected);
    expect(readCounts(counts.file)).toEqual(expected);
  });

  it("serves the diagnose_node prompt through prompts/list and prompts/get, with node completion", async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(["diagnose_node"]);
    expect(prompts[0]!.arguments).toEqual([{ name: "node", required: true }]);
    const prompt = await client.getPrompt({ name: "diagnose_node", arguments: { node: "10.0.0.11" } });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    expect(text).toContain("Node 10.0.0.11 (cp-2, controlplane)");
    expect(text).toContain("talos_etcd_status");
    const completion = await client.complete({
      ref: { type: "ref/prompt", name: "diagnose_node" }, argument: { name: "node", value: "10.0.0.2" },
    });
    expect(completion.completion.values).toEqual(WORKERS);
  });
});

describe("talos upstream process lifecycle", () => {
  it("exits 0 when stdin closes (stdio mode)", async () => {
    const child = spawn(process.execPath, [TALOS_UPSTREAM], { stdio: ["pipe", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.stdin.end();
    expect(await exited).toBe(0);
  });

  it("exits 0 on SIGTERM (HTTP mode)", async () => {
    const server = await startHttpServer(TALOS_UPSTREAM);
    expect(await server.stop()).toBe(0);
  });
});

describe("talos upstream over Streamable HTTP (v1 client)", () => {
  const counts = tempCountsFile();
  let server: RunningServer;
  const clients: Client[] = [];

  async function connect(): Promise<Client> {
    const client = new Client(CLIENT_INFO);
    clients.push(client);
    const transport = new StreamableHTTPClientTransport(new URL(server.url));
    await client.connect(transport);
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    return client;
  }

  beforeAll(async () => {
    server = await startHttpServer(TALOS_UPSTREAM, [], { TALOS_UPSTREAM_COUNTS_FILE: counts.file });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await server?.stop();
    counts.dispose();
  });

  it("lists the tools and shares one cluster and one set of counters across sessions", async () => {
    const first = await connect();
    const second = await connect();
    const { tools } = await first.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);

    await call(first, "talos_reboot", { nodes: ["10.0.0.21"] });
    const seen = await stats(second, "10.0.0.21");
    expect(seen.uptime_seconds).toBeLessThan(60);
    expect(seen.boot_id).toBe(2);
    expect(readCounts(counts.file)).toEqual({ ...ZERO_COUNTS, talos_reboot: 1, talos_system_stats: 1 });

    const { prompts } = await second.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(["diagnose_node"]);
  });
});
