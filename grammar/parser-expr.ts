/**
 * Expression and shared-list rules of the `.talon` grammar (LANGUAGE.md §5 and §10), the base of
 * `TalonParser`. Precedence, loosest first: `||`, `&&`, comparison/`in`/`matches` (non-associative),
 * `??`, `+ -`, `*`, unary `! -`, postfix `. [] ()`.
 *
 * Two deliberate extensions make common mistakes parse so that lowering can name them precisely:
 * `and`/`or`/`not` sit beside `&&`/`||`/`!` (TAL0204), and `=` sits beside `==` (TAL0205).
 */
import { CstParser, type IParserConfig, type TokenType } from "chevrotain";
import * as T from "./tokens.js";

const { K } = T;

/** The shape of an ISO-4217 currency code. */
const CURRENCY = /^[A-Z]{3}$/;

/** Chevrotain base parser holding the expression grammar and small shared rules. */
export class ExpressionParser extends CstParser {
  constructor(tokens: TokenType[], config: IParserConfig) {
    super(tokens, config);
  }

  // ─── Expressions ─────────────────────────────────────────────────────────────────────────────

  expr = this.RULE("expr", () => {
    this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.OrOr) }, { ALT: () => this.CONSUME(K.or) }]);
      this.SUBRULE2(this.andExpr);
    });
  });

  andExpr = this.RULE("andExpr", () => {
    this.SUBRULE(this.relExpr);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.AndAnd) }, { ALT: () => this.CONSUME(K.and) }]);
      this.SUBRULE2(this.relExpr);
    });
  });

  relExpr = this.RULE("relExpr", () => {
    this.SUBRULE(this.coalExpr);
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.SUBRULE(this.compareOp);
            this.SUBRULE2(this.coalExpr);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.in);
            this.OR2([{ ALT: () => this.SUBRULE(this.rangeExpr) }, { ALT: () => this.SUBRULE3(this.coalExpr) }]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.matches);
            this.SUBRULE4(this.coalExpr);
          },
        },
      ]);
    });
  });

  compareOp = this.RULE("compareOp", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.EqEq) },
      { ALT: () => this.CONSUME(T.NotEq) },
      { ALT: () => this.CONSUME(T.LtEq) },
      { ALT: () => this.CONSUME(T.GtEq) },
      { ALT: () => this.CONSUME(T.Lt) },
      { ALT: () => this.CONSUME(T.Gt) },
      { ALT: () => this.CONSUME(T.Assign) },
    ]);
  });

  /** `8..18`, `-5..5`: an inclusive numeric range after `in`. */
  rangeExpr = this.RULE("rangeExpr", () => {
    this.SUBRULE(this.rangeBound);
    this.CONSUME(T.DotDot);
    this.SUBRULE2(this.rangeBound);
  });

  rangeBound = this.RULE("rangeBound", () => {
    this.OPTION(() => this.CONSUME(T.Minus));
    this.CONSUME(T.NumberLit);
  });

  coalExpr = this.RULE("coalExpr", () => {
    this.SUBRULE(this.addExpr);
    this.MANY(() => {
      this.CONSUME(T.Coalesce);
      this.SUBRULE2(this.addExpr);
    });
  });

  addExpr = this.RULE("addExpr", () => {
    this.SUBRULE(this.mulExpr);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.SUBRULE2(this.mulExpr);
    });
  });

  mulExpr = this.RULE("mulExpr", () => {
    this.SUBRULE(this.unaryExpr);
    this.MANY(() => {
      this.CONSUME(T.Star);
      this.SUBRULE2(this.unaryExpr);
    });
  });

  unaryExpr = this.RULE("unaryExpr", () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(T.Bang) },
            { ALT: () => this.CONSUME(T.Minus) },
            { ALT: () => this.CONSUME(K.not) },
          ]);
          this.SUBRULE(this.unaryExpr);
        },
      },
      { ALT: () => this.SUBRULE(this.postfixExpr) },
    ]);
  });

  postfixExpr = this.RULE("postfixExpr", () => {
    this.SUBRULE(this.primary);
    this.MANY(() => this.SUBRULE(this.postfixOp));
  });

  /** `.name`, `.name(args)` (a method call) or `[expr]`. */
  postfixOp = this.RULE("postfixOp", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Dot);
          this.CONSUME(T.Name);
          this.OPTION(() => this.SUBRULE(this.callArgs));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.SUBRULE(this.expr);
          this.CONSUME(T.RBracket);
        },
      },
    ]);
  });

  callArgs = this.RULE("callArgs", () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expr) });
    this.CONSUME(T.RParen);
  });

  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.literal) },
      { ALT: () => this.CONSUME(T.RegexLit) },
      {
        ALT: () => {
          this.CONSUME(T.RootName);
          this.OPTION(() => this.SUBRULE(this.callArgs));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expr);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.listExpr) },
      { ALT: () => this.SUBRULE(this.objectExpr) },
    ]);
  });

  /** `NUMBER [CURRENCY]` (money is `20 USD`), strings, booleans, null, durations, sizes. */
  literal = this.RULE("literal", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.NumberLit);
          // Money: a number followed by a currency code (`20 USD`). Only an ISO-4217-shaped word
          // counts, so `x > 5 foo` is a syntax error at `foo`, not a strange amount of money.
          this.OPTION({ GATE: () => CURRENCY.test(this.LA(1).image), DEF: () => this.CONSUME(T.Identifier) });
        },
      },
      { ALT: () => this.CONSUME(T.StringLit) },
      { ALT: () => this.CONSUME(K.true) },
      { ALT: () => this.CONSUME(K.false) },
      { ALT: () => this.CONSUME(K.null) },
      { ALT: () => this.CONSUME(T.DurationLit) },
      { ALT: () => this.CONSUME(T.SizeLit) },
    ]);
  });

  listExpr = this.RULE("listExpr", () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expr);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expr);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  objectExpr = this.RULE("objectExpr", () => {
    this.CONSUME(T.LBrace);
    this.OPTION(() => {
      this.SUBRULE(this.objectEntry);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.objectEntry);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBrace);
  });

  objectEntry = this.RULE("objectEntry", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Name) }, { ALT: () => this.CONSUME(T.StringLit) }]);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expr);
  });

  boolLit = this.RULE("boolLit", () => {
    this.OR([{ ALT: () => this.CONSUME(K.true) }, { ALT: () => this.CONSUME(K.false) }]);
  });

  // ─── Field paths (§8.1) ──────────────────────────────────────────────────────────────────────

  /** `requester.email`, `tickets[*].requester.email`, `**.token`, `["a b"][0]`, `args.paths[*]`. */
  fieldPath = this.RULE("fieldPath", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.DoubleStar) },
      { ALT: () => this.CONSUME(T.Star) },
      { ALT: () => this.CONSUME(T.Name) },
      { ALT: () => this.SUBRULE(this.fieldPathBracket) },
    ]);
    this.MANY(() => this.SUBRULE(this.fieldPathStep));
  });

  fieldPathStep = this.RULE("fieldPathStep", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Dot);
          this.OR2([
            { ALT: () => this.CONSUME(T.Name) },
            { ALT: () => this.CONSUME(T.DoubleStar) },
            { ALT: () => this.CONSUME(T.Star) },
          ]);
        },
      },
      { ALT: () => this.SUBRULE(this.fieldPathBracket) },
    ]);
  });

  fieldPathBracket = this.RULE("fieldPathBracket", () => {
    this.CONSUME(T.LBracket);
    this.OR([
      { ALT: () => this.CONSUME(T.Star) },
      { ALT: () => this.CONSUME(T.NumberLit) },
      { ALT: () => this.CONSUME(T.StringLit) },
    ]);
    this.CONSUME(T.RBracket);
  });

  pathList = this.RULE("pathList", () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.fieldPath) });
  });

  // ─── Shared lists ────────────────────────────────────────────────────────────────────────────

  /** `"a", "b"` */
  strList = this.RULE("strList", () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.StringLit) });
  });

  /** `a, b` (keywords allowed: `by caller, tool`). */
  nameList = this.RULE("nameList", () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Name) });
  });

  /** `zendesk_ticket_read, "zendesk_admin_*"` */
  refList = this.RULE("refList", () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.toolRef) });
  });

  toolRef = this.RULE("toolRef", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Name) }, { ALT: () => this.CONSUME(T.StringLit) }]);
  });
}
