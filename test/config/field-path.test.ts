/** `parseFieldPath`: the `.talon` field-path forms, written as YAML strings. */
import { describe, expect, test } from "vitest";
import { parseFieldPath } from "../../compiler/lower/yaml-field-path.js";

describe("parseFieldPath", () => {
  test("the forms of LANGUAGE.md §8.1", () => {
    expect(parseFieldPath("requester.email")).toEqual({ ok: true, segments: [{ kind: "key", key: "requester" }, { kind: "key", key: "email" }] });
    expect(parseFieldPath("tickets[*].requester.email")).toMatchObject({ ok: true, segments: [{ key: "tickets" }, { kind: "elements" }, { key: "requester" }, { key: "email" }] });
    expect(parseFieldPath("**.email")).toEqual({ ok: true, segments: [{ kind: "descendants" }, { kind: "key", key: "email" }] });
    expect(parseFieldPath("a.*.b[10]")).toEqual({ ok: true, segments: [{ kind: "key", key: "a" }, { kind: "members" }, { kind: "key", key: "b" }, { kind: "index", index: 10 }] });
    expect(parseFieldPath(`["a b"].c`)).toEqual({ ok: true, segments: [{ kind: "key", key: "a b" }, { kind: "key", key: "c" }] });
    expect(parseFieldPath("x-request-id")).toEqual({ ok: true, segments: [{ kind: "key", key: "x-request-id" }] });
  });

  test("invalid paths say where", () => {
    expect(parseFieldPath("")).toMatchObject({ ok: false, offset: 0 });
    expect(parseFieldPath("a..b")).toMatchObject({ ok: false, offset: 2 });
    expect(parseFieldPath("a.")).toMatchObject({ ok: false, offset: 2, why: "the path ends with `.`" });
    expect(parseFieldPath("a[x]")).toMatchObject({ ok: false, offset: 2 });
    expect(parseFieldPath("a[01]")).toMatchObject({ ok: false, offset: 2 });
    expect(parseFieldPath('a["b]')).toMatchObject({ ok: false });
    expect(parseFieldPath("a b")).toMatchObject({ ok: false, offset: 1 });
    expect(parseFieldPath("a*")).toMatchObject({ ok: false, offset: 1 });
  });
});
