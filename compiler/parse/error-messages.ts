/**
 * The Chevrotain error-message provider for the `.talon` parser. Instead of prose it returns a
 * small JSON record — what was expected, and which words to suggest from — that
 * `syntax-errors.ts` turns into TAL0201/TAL0202 diagnostics. Only this project's code reads these
 * messages, so the encoding never reaches a user.
 */
import { EOF, tokenName, type IParserErrorMessageProvider, type TokenType } from "chevrotain";
import { AGENT_ITEM_WORDS } from "../../grammar/keywords.js";
import { describeAlternatives, describeExpected } from "./token-describe.js";

/** What a syntax error expected, as recorded by the provider. */
export interface ExpectedInfo {
  readonly expected: string;
  /** Words a misspelled identifier may be meant as. */
  readonly suggest?: readonly string[];
  /** The expected token was an identifier (so a keyword in its place gets a hint). */
  readonly wantsIdentifier?: boolean;
  /** Declarations ended at a token that cannot start one (reported as TAL0202/TAL0201). */
  readonly stray?: boolean;
}

/** Blocks read as `{ item* }`: what may come before `}` (messages add "or `}`"), and the words to suggest. */
export const BLOCK_ITEMS: Readonly<Record<string, { what: string; words: readonly string[] }>> = {
  agentDecl: { what: "an agent item", words: AGENT_ITEM_WORDS },
  teamDecl: { what: "`members`, `approvers`, `claim`", words: ["members", "approvers", "claim"] },
  principalDecl: { what: "`token`, `oidc sub`, `tools`, `teams`, `attrs`", words: ["token", "oidc", "tools", "teams", "attrs"] },
  detectorDecl: { what: "`pattern`, `validate`", words: ["pattern", "validate"] },
  complianceItem: { what: "`frameworks`, `audit_retention`", words: ["frameworks", "audit_retention"] },
  evidenceItem: { what: "`capture`, `sink`", words: ["capture", "sink"] },
  toolItem: { what: "`class`, `path`, `schema`", words: ["class", "path", "schema"] },
  approveRule: { what: "`timeout`, `on_timeout`, `quorum`, `hold`, `defer`", words: ["timeout", "on_timeout", "quorum", "hold", "defer"] },
  testDecl: {
    what: "a test statement (`call`, `chat`, `at`, `confirmed`, `approved`, `returns`, `expect`)",
    words: ["call", "chat", "at", "confirmed", "approved", "returns", "expect"],
  },
  limitsItem: { what: "a limit (`max_message 4MiB`)", words: [] },
  tlsItem: { what: "a setting (`cert \"…\"`, `verify_client true`)", words: [] },
  objectExpr: { what: "`,`", words: [] },
};

/** Rules whose alternatives read better as one phrase than as a token list. */
const RULE_PHRASES: Readonly<Record<string, string>> = {
  primary: "an expression",
  unaryExpr: "an expression",
  postfixExpr: "an expression",
  literal: "a literal",
  methodArg: "a literal",
  decl: "a declaration (`const`, `secret`, `detector`, `team`, `vendor`, `caller`, `agent`, `test`)",
  agentEntry: "an agent item",
  testStmt: "a test statement",
  expectStmt: "a verdict (`allow`, `deny`, `approval`, …), `redacted` or an expression",
  toolRef: "a tool name (identifier or string)",
  refList: "a tool name (identifier or string)",
  fieldPath: "a field path",
  pathList: "a field path",
  fieldPathStep: "a field name, `*` or `**`",
  secretValue: "`env(\"…\")`, `file(\"…\")` or `sha256(\"…\")`",
  who: "`vendor \"…\"`, `caller \"…\"`, `team NAME` or `anyone`",
  targets: "`tool` or `class`",
  matcher: "a regex or a detector name",
};

const RULE_SUGGESTIONS: Readonly<Record<string, readonly string[]>> = {
  decl: ["const", "secret", "detector", "team", "vendor", "caller", "agent", "test"],
  agentEntry: AGENT_ITEM_WORDS,
  testStmt: BLOCK_ITEMS.testDecl!.words,
};

function encode(info: ExpectedInfo): string {
  return JSON.stringify(info);
}

/** Read back what the provider recorded (a foreign message is used verbatim). */
export function decodeExpected(message: string): ExpectedInfo {
  try {
    const v = JSON.parse(message) as ExpectedInfo;
    if (typeof v.expected === "string") return v;
  } catch {
    // not ours
  }
  return { expected: message };
}

/** Keyword words among `types` (for "did you mean"). */
function keywordWords(types: readonly TokenType[]): string[] {
  return types.map((t) => describeExpected(t)).filter((l) => /^`[a-z_0-9]+`$/.test(l)).map((l) => l.slice(1, -1));
}

export const talonErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, ruleName }) {
    // The top-level `decl*` loop recovers by skipping to the next declaration and reports "expected EOF".
    if (expected === EOF) return encode({ expected: "a declaration", stray: true });
    const block = BLOCK_ITEMS[ruleName];
    if (block && tokenName(expected) === "RBrace") {
      return encode({ expected: `${block.what} or \`}\``, suggest: block.words });
    }
    return encode({ expected: describeExpected(expected), suggest: keywordWords([expected]), wantsIdentifier: tokenName(expected) === "Identifier" });
  },
  buildNotAllInputParsedMessage() {
    return encode({ expected: "end of input" });
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, ruleName }) {
    const firsts = expectedPathsPerAlt.flatMap((alt) => alt.map((path) => path[0]!)).filter((t) => t !== undefined);
    const phrase = RULE_PHRASES[ruleName];
    return encode({ expected: phrase ?? describeAlternatives(firsts), suggest: RULE_SUGGESTIONS[ruleName] ?? keywordWords(firsts) });
  },
  buildEarlyExitMessage({ expectedIterationPaths, ruleName }) {
    const firsts = expectedIterationPaths.map((path) => path[0]!).filter((t) => t !== undefined);
    return encode({ expected: RULE_PHRASES[ruleName] ?? describeAlternatives(firsts), suggest: keywordWords(firsts) });
  },
};
