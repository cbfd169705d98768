/**
 * Agent items (LANGUAGE.md §3, §10 `agent_item`): settings, blocks, `tool`, `root`, `deny path`,
 * plus annotations and secret values, which declarations share. Rules and tests come from
 * `parser-rules.ts`; `parser.ts` adds files and declarations.
 */
import type { IParserConfig, TokenType } from "chevrotain";
import { RuleParser } from "./parser-rules.js";
import * as T from "./tokens.js";

const { K } = T;

/** Agent items on top of rules, tests and expressions. */
export class AgentParser extends RuleParser {
  constructor(tokens: TokenType[], config: IParserConfig) {
    super(tokens, config);
  }

  /** `@id("…")`, `@reason("…")`, `@justification("…")`. */
  annotation = this.RULE("annotation", () => {
    this.CONSUME(T.AtSign);
    this.CONSUME(T.Name);
    this.CONSUME(T.LParen);
    this.CONSUME(T.StringLit);
    this.CONSUME(T.RParen);
  });

  /** A secret reference, or a string literal so that lowering can say TAL1001 instead of a syntax error. */
  secretValue = this.RULE("secretValue", () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(K.env) },
            { ALT: () => this.CONSUME(K.file) },
            { ALT: () => this.CONSUME(K.sha256) },
          ]);
          this.CONSUME(T.LParen);
          this.CONSUME(T.StringLit);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.CONSUME2(T.StringLit) },
    ]);
  });

  // ─── Agent ──────────────────────────────────────────────────────────────────────────────────

  agentDecl = this.RULE("agentDecl", () => {
    this.CONSUME(K.agent);
    this.CONSUME(T.StringLit);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.agentEntry));
    this.CONSUME(T.RBrace);
  });

  /** `{ annotation } agent_item`. */
  agentEntry = this.RULE("agentEntry", () => {
    this.MANY(() => this.SUBRULE(this.annotation));
    this.OR([
      { ALT: () => this.SUBRULE(this.modeItem) },
      { ALT: () => this.SUBRULE(this.upstreamItem) },
      { ALT: () => this.SUBRULE(this.upstreamAuthItem) },
      { ALT: () => this.SUBRULE(this.authItem) },
      { ALT: () => this.SUBRULE(this.postureItem) },
      { ALT: () => this.SUBRULE(this.flagItem) },
      { ALT: () => this.SUBRULE(this.catalogItem) },
      { ALT: () => this.SUBRULE(this.blobsItem) },
      { ALT: () => this.SUBRULE(this.allowMethodItem) },
      { ALT: () => this.SUBRULE(this.limitsItem) },
      { ALT: () => this.SUBRULE(this.complianceItem) },
      { ALT: () => this.SUBRULE(this.evidenceItem) },
      { ALT: () => this.SUBRULE(this.tlsItem) },
      { ALT: () => this.SUBRULE(this.toolItem) },
      { ALT: () => this.SUBRULE(this.rootItem) },
      { ALT: () => this.SUBRULE(this.pathDenyItem) },
      { ALT: () => this.SUBRULE(this.forbidRule) },
      { ALT: () => this.SUBRULE(this.grantRule) },
      { ALT: () => this.SUBRULE(this.approveRule) },
      { ALT: () => this.SUBRULE(this.confirmRule) },
      { ALT: () => this.SUBRULE(this.limitRule) },
      { ALT: () => this.SUBRULE(this.idempotentRule) },
      { ALT: () => this.SUBRULE(this.redactRule) },
      { ALT: () => this.SUBRULE(this.blockRule) },
      { ALT: () => this.SUBRULE(this.testDecl) },
    ]);
  });

  modeItem = this.RULE("modeItem", () => {
    this.CONSUME(K.mode);
    this.OR([
      { ALT: () => this.CONSUME(K.intercept) },
      { ALT: () => this.CONSUME(K.passthrough) },
      { ALT: () => this.CONSUME(K.shadow) },
    ]);
  });

  /** `upstream "https://…" | stdio ["cmd", …] | unix "…"`, then an optional `vendor "label"`. */
  upstreamItem = this.RULE("upstreamItem", () => {
    this.CONSUME(K.upstream);
    this.OR([
      { ALT: () => this.CONSUME(T.StringLit) },
      {
        ALT: () => {
          this.CONSUME(K.stdio);
          this.CONSUME(T.LBracket);
          this.SUBRULE(this.strList);
          this.CONSUME(T.RBracket);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.unix);
          this.CONSUME2(T.StringLit);
        },
      },
    ]);
    this.OPTION(() => {
      this.CONSUME(K.vendor);
      this.CONSUME3(T.StringLit);
    });
  });

  upstreamAuthItem = this.RULE("upstreamAuthItem", () => {
    this.CONSUME(K.upstream_auth);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(K.bearer);
          this.SUBRULE(this.secretValue);
        },
      },
      { ALT: () => this.CONSUME(K.passthrough) },
    ]);
    this.OPTION(() => {
      this.CONSUME(K.header);
      this.CONSUME(T.StringLit);
    });
  });

  authItem = this.RULE("authItem", () => {
    this.CONSUME(K.auth);
    this.OR([
      { ALT: () => this.CONSUME(K.bearer) },
      { ALT: () => this.CONSUME(K.none) },
      {
        ALT: () => {
          this.CONSUME(K.oidc);
          this.CONSUME(K.issuer);
          this.CONSUME(T.StringLit);
          this.CONSUME(K.audience);
          this.CONSUME2(T.StringLit);
        },
      },
    ]);
  });

  postureItem = this.RULE("postureItem", () => {
    this.CONSUME(K.posture);
    this.OR([{ ALT: () => this.CONSUME(K.read_only) }, { ALT: () => this.CONSUME(K.read_write) }]);
  });

  flagItem = this.RULE("flagItem", () => {
    this.OR([
      { ALT: () => this.CONSUME(K.trust_annotations) },
      { ALT: () => this.CONSUME(K.require_listed) },
      { ALT: () => this.CONSUME(K.realpath_check) },
    ]);
    this.SUBRULE(this.boolLit);
  });

  catalogItem = this.RULE("catalogItem", () => {
    this.CONSUME(K.catalog);
    this.CONSUME(T.StringLit);
    this.OPTION(() => this.CONSUME(K.strict));
  });

  blobsItem = this.RULE("blobsItem", () => {
    this.CONSUME(K.blobs);
    this.OR([
      { ALT: () => this.CONSUME(K.pass) },
      { ALT: () => this.CONSUME(K.drop) },
      { ALT: () => this.CONSUME(K.block) },
    ]);
  });

  allowMethodItem = this.RULE("allowMethodItem", () => {
    this.CONSUME(K.allow);
    this.CONSUME(K.method);
    this.SUBRULE(this.strList);
  });

  limitsItem = this.RULE("limitsItem", () => {
    this.CONSUME(K.limits);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.limitsEntry));
    this.CONSUME(T.RBrace);
  });

  limitsEntry = this.RULE("limitsEntry", () => {
    this.CONSUME(T.Name);
    this.OR([{ ALT: () => this.CONSUME(T.SizeLit) }, { ALT: () => this.CONSUME(T.NumberLit) }]);
  });

  complianceItem = this.RULE("complianceItem", () => {
    this.CONSUME(K.compliance);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.complianceEntry));
    this.CONSUME(T.RBrace);
  });

  complianceEntry = this.RULE("complianceEntry", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(K.frameworks);
          this.SUBRULE(this.nameList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.audit_retention);
          this.CONSUME(T.DurationLit);
        },
      },
    ]);
  });

  evidenceItem = this.RULE("evidenceItem", () => {
    this.CONSUME(K.evidence);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.evidenceEntry));
    this.CONSUME(T.RBrace);
  });

  evidenceEntry = this.RULE("evidenceEntry", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(K.capture);
          this.SUBRULE(this.nameList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.sink);
          this.CONSUME(T.StringLit);
        },
      },
    ]);
  });

  /** `tls { cert "…"  key "…"  client_ca "…"  verify_client true }`: entries are carried verbatim. */
  tlsItem = this.RULE("tlsItem", () => {
    this.CONSUME(K.tls);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.tlsEntry));
    this.CONSUME(T.RBrace);
  });

  tlsEntry = this.RULE("tlsEntry", () => {
    this.CONSUME(T.Name);
    this.OR([{ ALT: () => this.CONSUME(T.StringLit) }, { ALT: () => this.SUBRULE(this.boolLit) }]);
  });

  /** `tool a, "b_*" [-> "upstream"] [{ class read  path args.p  schema "f.json" }]`. */
  toolItem = this.RULE("toolItem", () => {
    this.CONSUME(K.tool);
    this.SUBRULE(this.refList);
    this.OPTION(() => {
      this.CONSUME(T.Arrow);
      this.CONSUME(T.StringLit);
    });
    this.OPTION2(() => {
      this.CONSUME(T.LBrace);
      this.MANY(() => this.SUBRULE(this.toolEntry));
      this.CONSUME(T.RBrace);
    });
  });

  toolEntry = this.RULE("toolEntry", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(K.class);
          this.CONSUME(T.Name);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.path);
          this.SUBRULE(this.pathList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.schema);
          this.CONSUME(T.StringLit);
        },
      },
    ]);
  });

  rootItem = this.RULE("rootItem", () => {
    this.CONSUME(K.root);
    this.CONSUME(T.Name);
    this.CONSUME(T.LBrace);
    this.CONSUME(K.path);
    this.CONSUME(T.StringLit);
    this.CONSUME(K.access);
    this.OR([{ ALT: () => this.CONSUME(K.read) }, { ALT: () => this.CONSUME(K.read_write) }]);
    this.CONSUME(T.RBrace);
  });

  pathDenyItem = this.RULE("pathDenyItem", () => {
    this.CONSUME(K.deny);
    this.CONSUME(K.path);
    this.SUBRULE(this.strList);
  });
}
