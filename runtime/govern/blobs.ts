/**
 * `blobs pass|drop|block` (LANGUAGE.md §8.1): base64 content cannot be inspected by redaction or
 * detectors, so the agent says what happens to it. In a CallToolResult that is the `data` of
 * `image` and `audio` blocks and the `blob` of embedded resources.
 */
import type { RedactionEntry } from "../redact/plan.js";

function isBlob(item: unknown): boolean {
  if (item === null || typeof item !== "object") return false;
  const it = item as { type?: unknown; data?: unknown; resource?: unknown };
  if ((it.type === "image" || it.type === "audio") && typeof it.data === "string") return true;
  if (it.type === "resource" && it.resource !== null && typeof it.resource === "object") return typeof (it.resource as { blob?: unknown }).blob === "string";
  return false;
}

/** JSON pointers of the binary content blocks of a result (empty: none). */
export function blobPointers(result: unknown): string[] {
  const content = (result as { content?: unknown } | null)?.content;
  if (!Array.isArray(content)) return [];
  const out: string[] = [];
  for (let i = 0; i < content.length; i++) if (isBlob(content[i])) out.push(`/content/${i}`);
  return out;
}

/** The result without its binary blocks; each removal goes into the report (rule `blobs`). */
export function dropBlobs(result: unknown, report: RedactionEntry[]): unknown {
  const r = result as { content?: unknown[] };
  if (!Array.isArray(r.content)) return result;
  const content: unknown[] = [];
  r.content.forEach((item, i) => {
    if (isBlob(item)) report.push({ pointer: `/content/${i}`, scope: "result", method: "remove", rule: "blobs" });
    else content.push(item);
  });
  return { ...r, content };
}
