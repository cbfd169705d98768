/**
 * Exports of the evidence chain that an auditor verifies offline
 * (`talon audit verify --file export.jsonl --checkpoint checkpoint.json`).
 *
 * JSON Lines: a header line, then every entry's stored line byte for byte:
 *
 *     {"type":"talon-evidence-export","version":1,"store":…,"exportedAt":…,"start":{"seq":…,"prev":…},
 *      "anchor":…|null,"checkpoints":[…]}
 *     {"id":"evt_…","seq":1,"prev":"000…","time":…,…,"hash":"…"}
 *
 * CSV (RFC 4180): one row per entry with the commonly filtered columns, the chain columns `prev`
 * and `hash`, and the stored line in `entry`, so the CSV verifies too (its start is the first
 * row's `prev`, unanchored).
 */
import fs from "node:fs";
import { GENESIS_HASH } from "./chain.js";
import type { Anchor, Checkpoint } from "./checkpoint.js";
import type { EvidenceStore } from "./store.js";
import type { SourceLine, VerifyInput } from "./verify.js";

export interface ExportHeader {
  readonly type: "talon-evidence-export";
  readonly version: 1;
  readonly store: string;
  readonly exportedAt: number;
  readonly start: { readonly seq: number; readonly prev: string };
  readonly anchor: Anchor | null;
  readonly checkpoints: Checkpoint[];
}

/** Where a store's chain starts: after its purge anchor, else at seq 1 after genesis. */
export function chainStart(anchor: Anchor | null): { seq: number; prev: string } {
  return anchor ? { seq: anchor.firstSeq, prev: anchor.prev } : { seq: 1, prev: GENESIS_HASH };
}

/** Writes the export line by line to `write`; returns the number of entries. */
export function exportJsonl(store: EvidenceStore, write: (text: string) => void): number {
  const anchor = store.anchor();
  const header: ExportHeader = {
    type: "talon-evidence-export",
    version: 1,
    store: store.storeId,
    exportedAt: Date.now(),
    start: chainStart(anchor),
    anchor,
    checkpoints: store.checkpoints(),
  };
  write(JSON.stringify(header) + "\n");
  let n = 0;
  for (const { line } of store.lines()) {
    write(line + "\n");
    n++;
  }
  return n;
}

const CSV_COLUMNS = ["seq", "id", "time", "kind", "agent", "caller", "tool", "decision", "reason", "outcome", "rule_ids", "prev", "hash", "entry"] as const;

export function exportCsv(store: EvidenceStore, write: (text: string) => void): number {
  write(CSV_COLUMNS.join(",") + "\r\n");
  let n = 0;
  for (const { line } of store.lines()) {
    const e = JSON.parse(line) as Record<string, unknown>;
    const cell = (k: string): string => {
      const v = k === "rule_ids" ? (Array.isArray(e.ruleIds) ? e.ruleIds.join(" ") : "") : k === "time" ? new Date(e.time as number).toISOString() : k === "entry" ? line : e[k];
      return csvField(v === null || v === undefined ? "" : String(v));
    };
    write(CSV_COLUMNS.map(cell).join(",") + "\r\n");
    n++;
  }
  return n;
}

function csvField(s: string): string {
  // A leading = + - @ would make a spreadsheet evaluate the cell (CSV injection): quote and prefix.
  const guarded = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** Parses RFC 4180 CSV text into rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) row.push(field), rows.push(row);
  return rows;
}

/** What `verifyChain` needs from an export file (JSONL with its header, or CSV). */
export function readExport(file: string): Omit<VerifyInput, "external" | "trustedKey"> & { format: "jsonl" | "csv" } {
  const text = fs.readFileSync(file, "utf8");
  if (text.startsWith("seq,")) {
    const rows = parseCsv(text);
    const col = rows[0]!.indexOf("entry");
    if (col < 0) throw new Error(`${file}: a CSV export needs an "entry" column`);
    const lines: SourceLine[] = rows.slice(1).map((r) => ({ line: r[col] ?? "" }));
    let start = { seq: 1, prev: GENESIS_HASH };
    try {
      const first = JSON.parse(lines[0]?.line ?? "{}") as { seq?: number; prev?: string };
      if (typeof first.seq === "number" && typeof first.prev === "string") start = { seq: first.seq, prev: first.prev };
    } catch {
      // a garbled first row is reported by verify as malformed
    }
    return { format: "csv", lines: () => lines, start, storeId: null, anchor: null, checkpoints: [] };
  }
  const all = text.split("\n");
  if (all[all.length - 1] === "") all.pop();
  let header: ExportHeader;
  try {
    header = JSON.parse(all[0] ?? "") as ExportHeader;
  } catch {
    throw new Error(`${file}: the first line is not a talon export header`);
  }
  if (header?.type !== "talon-evidence-export" || header.version !== 1) throw new Error(`${file}: not a talon evidence export (type talon-evidence-export, version 1)`);
  const lines: SourceLine[] = all.slice(1).map((line) => ({ line }));
  // The start comes from the signed anchor, never from the header's own claim: an export whose
  // head was cut off without a purge shows as missing entries.
  return { format: "jsonl", lines: () => lines, start: chainStart(header.anchor), storeId: header.store, anchor: header.anchor, checkpoints: header.checkpoints ?? [] };
}
