/**
 * Rule and test grammar (LANGUAGE.md §4, §11): the eight policy rules with their targets, `who`,
 * conditions and redaction methods, and `test` blocks. Extends the expression grammar; the file
 * and agent structure is in `parser.ts`.
 */
import type { IParserConfig, TokenType } from "chevrotain";
import { ExpressionParser } from "./parser-expr.js";
import * as T from "./tokens.js";

const { K } = T;

/** Rules and tests on top of expressions. */
export class RuleParser extends ExpressionParser {
  constructor(tokens: TokenType[], config: IParserConfig) {
    super(tokens, config);
  }

  // ─── Rules ───────────────────────────────────────────────────────────────────────────────────

  forbidRule = this.RULE("forbidRule", () => {
    this.CONSUME(K.forbid);
    this.SUBRULE(this.targets);
    this.OPTION(() => this.SUBRULE(this.cond));
  });

  grantRule = this.RULE("grantRule", () => {
    this.CONSUME(K.grant);
    this.SUBRULE(this.who);
    this.SUBRULE(this.nameList);
    this.CONSUME(K.on);
    this.SUBRULE(this.refList);
    this.OPTION(() => this.SUBRULE(this.cond));
  });

  approveRule = this.RULE("approveRule", () => {
    this.CONSUME(K.approve);
    this.SUBRULE(this.targets);
    this.OPTION(() => this.SUBRULE(this.cond));
    this.CONSUME(K.by);
    this.CONSUME(K.team);
    this.CONSUME(T.Name);
    this.OPTION2(() => {
      this.CONSUME(T.LBrace);
      this.MANY(() => this.SUBRULE(this.approveOption));
      this.CONSUME(T.RBrace);
    });
  });

  approveOption = this.RULE("approveOption", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(K.timeout);
          this.CONSUME(T.DurationLit);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.on_timeout);
          this.CONSUME(K.deny);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.quorum);
          this.CONSUME(T.NumberLit);
        },
      },
      { ALT: () => this.CONSUME(K.hold) },
      { ALT: () => this.CONSUME(K.defer) },
    ]);
  });

  confirmRule = this.RULE("confirmRule", () => {
    this.CONSUME(K.confirm);
    this.SUBRULE(this.targets);
    this.OPTION(() => this.SUBRULE(this.cond));
    this.OPTION2(() => {
      this.CONSUME(K.via);
      this.OR([
        { ALT: () => this.CONSUME(K.elicitation) },
        { ALT: () => this.CONSUME(K.token) },
        { ALT: () => this.CONSUME(K.elicitation_or_token) },
      ]);
    });
  });

  /** `limit [vendor "id"] rate N per D …`: `vendor "id"` scopes the limit to one principal (seed `rate_limits[].vendor`). */
  limitRule = this.RULE("limitRule", () => {
    this.CONSUME(K.limit);
    this.OPTION4(() => {
      this.CONSUME(K.vendor);
      this.CONSUME(T.StringLit);
    });
    this.CONSUME(K.rate);
    this.CONSUME(T.NumberLit);
    this.CONSUME(K.per);
    this.CONSUME(T.DurationLit);
    this.OPTION(() => {
      this.CONSUME(K.burst);
      this.CONSUME2(T.NumberLit);
    });
    this.OPTION2(() => {
      this.CONSUME(K.by);
      this.SUBRULE(this.nameList);
    });
    this.OPTION3(() => {
      this.CONSUME(K.on);
      this.SUBRULE(this.targets);
    });
  });

  idempotentRule = this.RULE("idempotentRule", () => {
    this.CONSUME(K.idempotent);
    this.SUBRULE(this.targets);
    this.OPTION(() => {
      this.CONSUME(K.key);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expr) });
    });
    this.CONSUME(K.window);
    this.CONSUME(T.DurationLit);
    this.OPTION2(() => {
      this.CONSUME(K.on_duplicate);
      this.OR([{ ALT: () => this.CONSUME(K.replay) }, { ALT: () => this.CONSUME(K.reject) }]);
    });
  });

  redactRule = this.RULE("redactRule", () => {
    this.CONSUME(K.redact);
    this.SUBRULE(this.pathList);
    this.OPTION(() => {
      this.CONSUME(K.matching);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.matcher) });
    });
    this.CONSUME(K.with);
    this.SUBRULE(this.method);
    this.OPTION2(() => {
      this.CONSUME(K.in);
      this.SUBRULE(this.nameList);
    });
    this.OPTION3(() => {
      this.CONSUME(K.on);
      this.SUBRULE(this.targets);
    });
    this.OPTION4(() => this.SUBRULE(this.cond));
  });

  blockRule = this.RULE("blockRule", () => {
    this.CONSUME(K.block);
    this.CONSUME(K.response);
    this.OPTION(() => {
      this.CONSUME(K.on);
      this.SUBRULE(this.targets);
    });
    this.SUBRULE(this.cond);
  });

  /** `tool a, "b_*"` or `class write, destructive`. */
  targets = this.RULE("targets", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(K.tool);
          this.SUBRULE(this.refList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.class);
          this.SUBRULE(this.nameList);
        },
      },
    ]);
  });

  /** `vendor "id"` | `caller "id"` | `team T` | `anyone`. */
  who = this.RULE("who", () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(K.vendor) }, { ALT: () => this.CONSUME(K.caller) }]);
          this.CONSUME(T.StringLit);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.team);
          this.CONSUME(T.Name);
        },
      },
      { ALT: () => this.CONSUME(K.anyone) },
    ]);
  });

  cond = this.RULE("cond", () => {
    this.OR([{ ALT: () => this.CONSUME(K.when) }, { ALT: () => this.CONSUME(K.unless) }]);
    this.SUBRULE(this.expr);
  });

  /** A regex literal or a detector name. */
  matcher = this.RULE("matcher", () => {
    this.OR([{ ALT: () => this.CONSUME(T.RegexLit) }, { ALT: () => this.CONSUME(T.Identifier) }]);
  });

  /** `hash`, `mask("X")`, `mask_middle(3, 3, "X")`; the name is checked later (TAL0604). */
  method = this.RULE("method", () => {
    this.CONSUME(T.Name);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.methodArg) });
      this.CONSUME(T.RParen);
    });
  });

  /** A literal, optionally negated (`truncate(-1)` is rejected later, but it parses). */
  methodArg = this.RULE("methodArg", () => {
    this.OPTION(() => this.CONSUME(T.Minus));
    this.SUBRULE(this.literal);
  });

  // ─── Tests (§11) ─────────────────────────────────────────────────────────────────────────────

  testDecl = this.RULE("testDecl", () => {
    this.CONSUME(K.test);
    this.CONSUME(T.StringLit);
    this.OPTION(() => {
      this.CONSUME(K.on);
      this.CONSUME2(T.StringLit);
    });
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.testStmt));
    this.CONSUME(T.RBrace);
  });

  testStmt = this.RULE("testStmt", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.callStmt) },
      { ALT: () => this.SUBRULE(this.chatStmt) },
      {
        ALT: () => {
          this.CONSUME(K.at);
          this.CONSUME(T.StringLit);
        },
      },
      { ALT: () => this.CONSUME(K.confirmed) },
      { ALT: () => this.CONSUME(K.approved) },
      { ALT: () => this.SUBRULE(this.returnsStmt) },
      { ALT: () => this.SUBRULE(this.expectStmt) },
    ]);
  });

  callStmt = this.RULE("callStmt", () => {
    this.CONSUME(K.call);
    this.SUBRULE(this.toolRef);
    this.CONSUME(K.as);
    this.CONSUME(T.StringLit);
    this.OPTION(() => {
      this.CONSUME(K.with);
      this.SUBRULE(this.objectExpr);
    });
    this.OPTION2(() => {
      this.CONSUME(K.meta);
      this.SUBRULE2(this.objectExpr);
    });
  });

  chatStmt = this.RULE("chatStmt", () => {
    this.CONSUME(K.chat);
    this.CONSUME(T.StringLit);
    this.CONSUME(K.as);
    this.CONSUME2(T.StringLit);
    this.OPTION(() => {
      this.CONSUME(K.with);
      this.SUBRULE(this.objectExpr);
    });
  });

  returnsStmt = this.RULE("returnsStmt", () => {
    this.CONSUME(K.returns);
    this.OR([
      { ALT: () => this.SUBRULE(this.objectExpr) },
      {
        ALT: () => {
          this.CONSUME(K.error);
          this.SUBRULE2(this.objectExpr);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.text);
          this.CONSUME(T.StringLit);
        },
      },
    ]);
  });

  expectStmt = this.RULE("expectStmt", () => {
    this.CONSUME(K.expect);
    this.OR([
      { ALT: () => this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.verdict) }) },
      {
        ALT: () => {
          this.CONSUME(K.redacted);
          this.SUBRULE(this.fieldPath);
          this.CONSUME(K.with);
          this.CONSUME(T.Name);
        },
      },
      { ALT: () => this.SUBRULE(this.expr) },
    ]);
  });

  verdict = this.RULE("verdict", () => {
    this.OR([
      { ALT: () => this.CONSUME(K.allow) },
      { ALT: () => this.CONSUME(K.deny) },
      { ALT: () => this.CONSUME(K.approval) },
      { ALT: () => this.CONSUME(K.confirm) },
      { ALT: () => this.CONSUME(K.rate_limited) },
      { ALT: () => this.CONSUME(K.blocked) },
      { ALT: () => this.CONSUME(K.duplicate) },
    ]);
    this.OPTION(() => {
      this.CONSUME(K.by);
      this.OR2([
        { ALT: () => this.CONSUME(T.StringLit) },
        { ALT: () => this.CONSUME(K.default) },
        {
          ALT: () => {
            this.CONSUME(K.team);
            this.CONSUME(T.Name);
          },
        },
      ]);
    });
  });
}
