/**
 * The `.talon` parser (LANGUAGE.md §10): one `CstParser` instance, rules as class fields, no
 * embedded actions. It builds a concrete syntax tree; `compiler/lower/cst-to-ast.ts` turns that
 * into the AST. The grammar is layered by topic: expressions and shared lists
 * (`parser-expr.ts`) ← rules and tests (`parser-rules.ts`) ← agent items (`parser-agent.ts`) ←
 * files and declarations (this file).
 *
 * Each `{ … }` block reads its entries through one `…Item`/`…Entry` subrule, so the CST keeps the
 * entries in source order and Chevrotain's in-repetition recovery can skip one bad entry and go
 * on with the next.
 */
import type { IParserErrorMessageProvider, TokenType } from "chevrotain";
import { AgentParser } from "./parser-agent.js";
import * as T from "./tokens.js";

const { K } = T;

/**
 * The grammar. Build it once (`compiler/parse/parser-instance.ts` holds the shared instance):
 * construction runs Chevrotain's grammar analysis. The optional message provider decides the
 * text of syntax errors.
 */
export class TalonParser extends AgentParser {
  constructor(errorMessageProvider?: IParserErrorMessageProvider) {
    super(T.allTokens as TokenType[], {
      recoveryEnabled: true,
      nodeLocationTracking: "onlyOffset",
      maxLookahead: 4,
      ...(errorMessageProvider ? { errorMessageProvider } : {}),
    });
    this.performSelfAnalysis();
  }

  // ─── File ────────────────────────────────────────────────────────────────────────────────────

  /** `talon 1 { import } { decl }`. The header is optional here; its absence is TAL0108. */
  file = this.RULE("file", () => {
    this.OPTION(() => {
      this.CONSUME(K.talon);
      this.CONSUME(T.NumberLit);
    });
    this.MANY(() => this.SUBRULE(this.importDecl));
    this.MANY2(() => this.SUBRULE(this.decl));
  });

  /** Declarations only: where parsing resumes after an unknown top-level word. */
  declarations = this.RULE("declarations", () => {
    this.MANY(() => this.SUBRULE(this.decl));
  });

  /** One expression and nothing else (YAML `conditions`). */
  standaloneExpr = this.RULE("standaloneExpr", () => {
    this.SUBRULE(this.expr);
  });

  importDecl = this.RULE("importDecl", () => {
    this.CONSUME(K.import);
    this.CONSUME(T.StringLit);
  });

  decl = this.RULE("decl", () => {
    this.MANY(() => this.SUBRULE(this.annotation));
    this.OR([
      { ALT: () => this.SUBRULE(this.constDecl) },
      { ALT: () => this.SUBRULE(this.secretDecl) },
      { ALT: () => this.SUBRULE(this.detectorDecl) },
      { ALT: () => this.SUBRULE(this.teamDecl) },
      { ALT: () => this.SUBRULE(this.principalDecl) },
      { ALT: () => this.SUBRULE(this.agentDecl) },
      { ALT: () => this.SUBRULE(this.gatewayDecl) },
      { ALT: () => this.SUBRULE(this.testDecl) },
    ]);
  });

  constDecl = this.RULE("constDecl", () => {
    this.CONSUME(K.const);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Assign);
    this.SUBRULE(this.expr);
  });

  secretDecl = this.RULE("secretDecl", () => {
    this.CONSUME(K.secret);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Assign);
    this.SUBRULE(this.secretValue);
  });

  detectorDecl = this.RULE("detectorDecl", () => {
    this.CONSUME(K.detector);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.detectorItem));
    this.CONSUME(T.RBrace);
  });

  detectorItem = this.RULE("detectorItem", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(K.pattern);
          this.CONSUME(T.RegexLit);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.validate);
          this.CONSUME(T.Name);
        },
      },
    ]);
  });

  teamDecl = this.RULE("teamDecl", () => {
    this.CONSUME(K.team);
    this.CONSUME(T.Name);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.teamItem));
    this.CONSUME(T.RBrace);
  });

  teamItem = this.RULE("teamItem", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(K.members);
          this.SUBRULE(this.strList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.approvers);
          this.SUBRULE2(this.strList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.claim);
          this.CONSUME(T.StringLit);
          this.CONSUME(T.Assign);
          this.CONSUME2(T.StringLit);
        },
      },
    ]);
  });

  principalDecl = this.RULE("principalDecl", () => {
    this.OR([{ ALT: () => this.CONSUME(K.vendor) }, { ALT: () => this.CONSUME(K.caller) }]);
    this.CONSUME(T.StringLit);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.principalItem));
    this.CONSUME(T.RBrace);
  });

  principalItem = this.RULE("principalItem", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(K.token);
          this.SUBRULE(this.secretValue);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.oidc);
          this.CONSUME(K.sub);
          this.CONSUME(T.StringLit);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.tools);
          this.SUBRULE(this.refList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.teams);
          this.SUBRULE(this.nameList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.attrs);
          this.SUBRULE(this.objectExpr);
        },
      },
    ]);
  });

  /** `gateway "…" { … }`: not supported yet; the body is skipped so lowering can say so once (TAL0202). */
  gatewayDecl = this.RULE("gatewayDecl", () => {
    this.CONSUME(K.gateway);
    this.OPTION(() => this.CONSUME(T.StringLit));
    this.SUBRULE(this.skippedBlock);
  });

  skippedBlock = this.RULE("skippedBlock", () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([{ ALT: () => this.SUBRULE(this.skippedBlock) }, { ALT: () => this.CONSUME(T.AnyButBrace) }]);
    });
    this.CONSUME(T.RBrace);
  });
}
