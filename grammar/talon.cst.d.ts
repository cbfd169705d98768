// GENERATED from grammar/parser*.ts by grammar/cst-dts.ts — DO NOT EDIT.
// Regenerate: TALON_ACCEPT=1 npx vitest run --config test/vitest.config.ts test/grammar/cst-dts.test.ts
import type { CstNode, ICstVisitor, IToken } from "chevrotain";

export interface ExprCstNode extends CstNode {
  name: "expr";
  children: ExprCstChildren;
}

export type ExprCstChildren = {
  andExpr: (AndExprCstNode)[];
  OrOr?: IToken[];
  Or?: IToken[];
};

export interface AndExprCstNode extends CstNode {
  name: "andExpr";
  children: AndExprCstChildren;
}

export type AndExprCstChildren = {
  relExpr: (RelExprCstNode)[];
  AndAnd?: IToken[];
  And?: IToken[];
};

export interface RelExprCstNode extends CstNode {
  name: "relExpr";
  children: RelExprCstChildren;
}

export type RelExprCstChildren = {
  coalExpr: (CoalExprCstNode)[];
  compareOp?: CompareOpCstNode[];
  In?: IToken[];
  rangeExpr?: RangeExprCstNode[];
  Matches?: IToken[];
};

export interface CompareOpCstNode extends CstNode {
  name: "compareOp";
  children: CompareOpCstChildren;
}

export type CompareOpCstChildren = {
  EqEq?: IToken[];
  NotEq?: IToken[];
  LtEq?: IToken[];
  GtEq?: IToken[];
  Lt?: IToken[];
  Gt?: IToken[];
  Assign?: IToken[];
};

export interface RangeExprCstNode extends CstNode {
  name: "rangeExpr";
  children: RangeExprCstChildren;
}

export type RangeExprCstChildren = {
  rangeBound: (RangeBoundCstNode)[];
  DotDot: IToken[];
};

export interface RangeBoundCstNode extends CstNode {
  name: "rangeBound";
  children: RangeBoundCstChildren;
}

export type RangeBoundCstChildren = {
  Minus?: IToken[];
  Number: IToken[];
};

export interface CoalExprCstNode extends CstNode {
  name: "coalExpr";
  children: CoalExprCstChildren;
}

export type CoalExprCstChildren = {
  addExpr: (AddExprCstNode)[];
  Coalesce?: IToken[];
};

export interface AddExprCstNode extends CstNode {
  name: "addExpr";
  children: AddExprCstChildren;
}

export type AddExprCstChildren = {
  mulExpr: (MulExprCstNode)[];
  Plus?: IToken[];
  Minus?: IToken[];
};

export interface MulExprCstNode extends CstNode {
  name: "mulExpr";
  children: MulExprCstChildren;
}

export type MulExprCstChildren = {
  unaryExpr: (UnaryExprCstNode)[];
  Star?: IToken[];
};

export interface UnaryExprCstNode extends CstNode {
  name: "unaryExpr";
  children: UnaryExprCstChildren;
}

export type UnaryExprCstChildren = {
  Bang?: IToken[];
  Minus?: IToken[];
  Not?: IToken[];
  unaryExpr?: UnaryExprCstNode[];
  postfixExpr?: PostfixExprCstNode[];
};

export interface PostfixExprCstNode extends CstNode {
  name: "postfixExpr";
  children: PostfixExprCstChildren;
}

export type PostfixExprCstChildren = {
  primary: PrimaryCstNode[];
  postfixOp?: PostfixOpCstNode[];
};

export interface PostfixOpCstNode extends CstNode {
  name: "postfixOp";
  children: PostfixOpCstChildren;
}

export type PostfixOpCstChildren = {
  Dot?: IToken[];
  Name?: IToken[];
  callArgs?: CallArgsCstNode[];
  LBracket?: IToken[];
  expr?: ExprCstNode[];
  RBracket?: IToken[];
};

export interface CallArgsCstNode extends CstNode {
  name: "callArgs";
  children: CallArgsCstChildren;
}

export type CallArgsCstChildren = {
  LParen: IToken[];
  expr?: ExprCstNode[];
  Comma?: IToken[];
  RParen: IToken[];
};

export interface PrimaryCstNode extends CstNode {
  name: "primary";
  children: PrimaryCstChildren;
}

export type PrimaryCstChildren = {
  literal?: LiteralCstNode[];
  RegexLit?: IToken[];
  RootName?: IToken[];
  callArgs?: CallArgsCstNode[];
  LParen?: IToken[];
  expr?: ExprCstNode[];
  RParen?: IToken[];
  listExpr?: ListExprCstNode[];
  objectExpr?: ObjectExprCstNode[];
};

export interface LiteralCstNode extends CstNode {
  name: "literal";
  children: LiteralCstChildren;
}

export type LiteralCstChildren = {
  Number?: IToken[];
  Identifier?: IToken[];
  StringLit?: IToken[];
  True?: IToken[];
  False?: IToken[];
  Null?: IToken[];
  DurationLit?: IToken[];
  SizeLit?: IToken[];
};

export interface ListExprCstNode extends CstNode {
  name: "listExpr";
  children: ListExprCstChildren;
}

export type ListExprCstChildren = {
  LBracket: IToken[];
  expr?: (ExprCstNode)[];
  Comma?: (IToken)[];
  RBracket: IToken[];
};

export interface ObjectExprCstNode extends CstNode {
  name: "objectExpr";
  children: ObjectExprCstChildren;
}

export type ObjectExprCstChildren = {
  LBrace: IToken[];
  objectEntry?: (ObjectEntryCstNode)[];
  Comma?: (IToken)[];
  RBrace: IToken[];
};

export interface ObjectEntryCstNode extends CstNode {
  name: "objectEntry";
  children: ObjectEntryCstChildren;
}

export type ObjectEntryCstChildren = {
  Name?: IToken[];
  StringLit?: IToken[];
  Colon: IToken[];
  expr: ExprCstNode[];
};

export interface BoolLitCstNode extends CstNode {
  name: "boolLit";
  children: BoolLitCstChildren;
}

export type BoolLitCstChildren = {
  True?: IToken[];
  False?: IToken[];
};

export interface FieldPathCstNode extends CstNode {
  name: "fieldPath";
  children: FieldPathCstChildren;
}

export type FieldPathCstChildren = {
  DoubleStar?: IToken[];
  Star?: IToken[];
  Name?: IToken[];
  fieldPathBracket?: FieldPathBracketCstNode[];
  fieldPathStep?: FieldPathStepCstNode[];
};

export interface FieldPathStepCstNode extends CstNode {
  name: "fieldPathStep";
  children: FieldPathStepCstChildren;
}

export type FieldPathStepCstChildren = {
  Dot?: IToken[];
  Name?: IToken[];
  DoubleStar?: IToken[];
  Star?: IToken[];
  fieldPathBracket?: FieldPathBracketCstNode[];
};

export interface FieldPathBracketCstNode extends CstNode {
  name: "fieldPathBracket";
  children: FieldPathBracketCstChildren;
}

export type FieldPathBracketCstChildren = {
  LBracket: IToken[];
  Star?: IToken[];
  Number?: IToken[];
  StringLit?: IToken[];
  RBracket: IToken[];
};

export interface PathListCstNode extends CstNode {
  name: "pathList";
  children: PathListCstChildren;
}

export type PathListCstChildren = {
  fieldPath: FieldPathCstNode[];
  Comma?: IToken[];
};

export interface StrListCstNode extends CstNode {
  name: "strList";
  children: StrListCstChildren;
}

export type StrListCstChildren = {
  StringLit: IToken[];
  Comma?: IToken[];
};

export interface NameListCstNode extends CstNode {
  name: "nameList";
  children: NameListCstChildren;
}

export type NameListCstChildren = {
  Name: IToken[];
  Comma?: IToken[];
};

export interface RefListCstNode extends CstNode {
  name: "refList";
  children: RefListCstChildren;
}

export type RefListCstChildren = {
  toolRef: ToolRefCstNode[];
  Comma?: IToken[];
};

export interface ToolRefCstNode extends CstNode {
  name: "toolRef";
  children: ToolRefCstChildren;
}

export type ToolRefCstChildren = {
  Name?: IToken[];
  StringLit?: IToken[];
};

export interface ForbidRuleCstNode extends CstNode {
  name: "forbidRule";
  children: ForbidRuleCstChildren;
}

export type ForbidRuleCstChildren = {
  Forbid: IToken[];
  targets: TargetsCstNode[];
  cond?: CondCstNode[];
};

export interface GrantRuleCstNode extends CstNode {
  name: "grantRule";
  children: GrantRuleCstChildren;
}

export type GrantRuleCstChildren = {
  Grant: IToken[];
  who: WhoCstNode[];
  nameList: NameListCstNode[];
  On: IToken[];
  refList: RefListCstNode[];
  cond?: CondCstNode[];
};

export interface ApproveRuleCstNode extends CstNode {
  name: "approveRule";
  children: ApproveRuleCstChildren;
}

export type ApproveRuleCstChildren = {
  Approve: IToken[];
  targets: TargetsCstNode[];
  cond?: CondCstNode[];
  By: IToken[];
  Team: IToken[];
  Name: IToken[];
  LBrace?: IToken[];
  approveOption?: ApproveOptionCstNode[];
  RBrace?: IToken[];
};

export interface ApproveOptionCstNode extends CstNode {
  name: "approveOption";
  children: ApproveOptionCstChildren;
}

export type ApproveOptionCstChildren = {
  Timeout?: IToken[];
  DurationLit?: IToken[];
  OnTimeout?: IToken[];
  Deny?: IToken[];
  Quorum?: IToken[];
  Number?: IToken[];
  Hold?: IToken[];
  Defer?: IToken[];
};

export interface ConfirmRuleCstNode extends CstNode {
  name: "confirmRule";
  children: ConfirmRuleCstChildren;
}

export type ConfirmRuleCstChildren = {
  Confirm: IToken[];
  targets: TargetsCstNode[];
  cond?: CondCstNode[];
  Via?: IToken[];
  Elicitation?: IToken[];
  Token?: IToken[];
  ElicitationOrToken?: IToken[];
};

export interface LimitRuleCstNode extends CstNode {
  name: "limitRule";
  children: LimitRuleCstChildren;
}

export type LimitRuleCstChildren = {
  Limit: IToken[];
  Vendor?: IToken[];
  StringLit?: IToken[];
  Rate: IToken[];
  Number: (IToken)[];
  Per: IToken[];
  DurationLit: IToken[];
  Burst?: IToken[];
  By?: IToken[];
  nameList?: NameListCstNode[];
  On?: IToken[];
  targets?: TargetsCstNode[];
};

export interface IdempotentRuleCstNode extends CstNode {
  name: "idempotentRule";
  children: IdempotentRuleCstChildren;
}

export type IdempotentRuleCstChildren = {
  Idempotent: IToken[];
  targets: TargetsCstNode[];
  Key?: IToken[];
  expr?: ExprCstNode[];
  Comma?: IToken[];
  Window: IToken[];
  DurationLit: IToken[];
  OnDuplicate?: IToken[];
  Replay?: IToken[];
  Reject?: IToken[];
};

export interface RedactRuleCstNode extends CstNode {
  name: "redactRule";
  children: RedactRuleCstChildren;
}

export type RedactRuleCstChildren = {
  Redact: IToken[];
  pathList: PathListCstNode[];
  Matching?: IToken[];
  matcher?: MatcherCstNode[];
  Comma?: IToken[];
  With: IToken[];
  method: MethodCstNode[];
  In?: IToken[];
  nameList?: NameListCstNode[];
  On?: IToken[];
  targets?: TargetsCstNode[];
  cond?: CondCstNode[];
};

export interface BlockRuleCstNode extends CstNode {
  name: "blockRule";
  children: BlockRuleCstChildren;
}

export type BlockRuleCstChildren = {
  Block: IToken[];
  Response: IToken[];
  On?: IToken[];
  targets?: TargetsCstNode[];
  cond: CondCstNode[];
};

export interface TargetsCstNode extends CstNode {
  name: "targets";
  children: TargetsCstChildren;
}

export type TargetsCstChildren = {
  Tool?: IToken[];
  refList?: RefListCstNode[];
  Class?: IToken[];
  nameList?: NameListCstNode[];
};

export interface WhoCstNode extends CstNode {
  name: "who";
  children: WhoCstChildren;
}

export type WhoCstChildren = {
  Vendor?: IToken[];
  Caller?: IToken[];
  StringLit?: IToken[];
  Team?: IToken[];
  Name?: IToken[];
  Anyone?: IToken[];
};

export interface CondCstNode extends CstNode {
  name: "cond";
  children: CondCstChildren;
}

export type CondCstChildren = {
  When?: IToken[];
  Unless?: IToken[];
  expr: ExprCstNode[];
};

export interface MatcherCstNode extends CstNode {
  name: "matcher";
  children: MatcherCstChildren;
}

export type MatcherCstChildren = {
  RegexLit?: IToken[];
  Identifier?: IToken[];
};

export interface MethodCstNode extends CstNode {
  name: "method";
  children: MethodCstChildren;
}

export type MethodCstChildren = {
  Name: IToken[];
  LParen?: IToken[];
  methodArg?: MethodArgCstNode[];
  Comma?: IToken[];
  RParen?: IToken[];
};

export interface MethodArgCstNode extends CstNode {
  name: "methodArg";
  children: MethodArgCstChildren;
}

export type MethodArgCstChildren = {
  Minus?: IToken[];
  literal: LiteralCstNode[];
};

export interface TestDeclCstNode extends CstNode {
  name: "testDecl";
  children: TestDeclCstChildren;
}

export type TestDeclCstChildren = {
  Test: IToken[];
  StringLit: (IToken)[];
  On?: IToken[];
  LBrace: IToken[];
  testStmt?: TestStmtCstNode[];
  RBrace: IToken[];
};

export interface TestStmtCstNode extends CstNode {
  name: "testStmt";
  children: TestStmtCstChildren;
}

export type TestStmtCstChildren = {
  callStmt?: CallStmtCstNode[];
  chatStmt?: ChatStmtCstNode[];
  At?: IToken[];
  StringLit?: IToken[];
  Confirmed?: IToken[];
  Approved?: IToken[];
  returnsStmt?: ReturnsStmtCstNode[];
  expectStmt?: ExpectStmtCstNode[];
};

export interface CallStmtCstNode extends CstNode {
  name: "callStmt";
  children: CallStmtCstChildren;
}

export type CallStmtCstChildren = {
  Call: IToken[];
  toolRef: ToolRefCstNode[];
  As: IToken[];
  StringLit: IToken[];
  With?: IToken[];
  objectExpr?: (ObjectExprCstNode)[];
  Meta?: IToken[];
};

export interface ChatStmtCstNode extends CstNode {
  name: "chatStmt";
  children: ChatStmtCstChildren;
}

export type ChatStmtCstChildren = {
  Chat: IToken[];
  StringLit: (IToken)[];
  As: IToken[];
  With?: IToken[];
  objectExpr?: ObjectExprCstNode[];
};

export interface ReturnsStmtCstNode extends CstNode {
  name: "returnsStmt";
  children: ReturnsStmtCstChildren;
}

export type ReturnsStmtCstChildren = {
  Returns: IToken[];
  objectExpr?: (ObjectExprCstNode)[];
  Error?: IToken[];
  Text?: IToken[];
  StringLit?: IToken[];
};

export interface ExpectStmtCstNode extends CstNode {
  name: "expectStmt";
  children: ExpectStmtCstChildren;
}

export type ExpectStmtCstChildren = {
  Expect: IToken[];
  verdict?: VerdictCstNode[];
  Comma?: IToken[];
  Redacted?: IToken[];
  fieldPath?: FieldPathCstNode[];
  With?: IToken[];
  Name?: IToken[];
  expr?: ExprCstNode[];
};

export interface VerdictCstNode extends CstNode {
  name: "verdict";
  children: VerdictCstChildren;
}

export type VerdictCstChildren = {
  Allow?: IToken[];
  Deny?: IToken[];
  Approval?: IToken[];
  Confirm?: IToken[];
  RateLimited?: IToken[];
  Blocked?: IToken[];
  Duplicate?: IToken[];
  By?: IToken[];
  StringLit?: IToken[];
  Default?: IToken[];
  Team?: IToken[];
  Name?: IToken[];
};

export interface AnnotationCstNode extends CstNode {
  name: "annotation";
  children: AnnotationCstChildren;
}

export type AnnotationCstChildren = {
  AtSign: IToken[];
  Name: IToken[];
  LParen: IToken[];
  StringLit: IToken[];
  RParen: IToken[];
};

export interface SecretValueCstNode extends CstNode {
  name: "secretValue";
  children: SecretValueCstChildren;
}

export type SecretValueCstChildren = {
  Env?: IToken[];
  File?: IToken[];
  Sha256?: IToken[];
  LParen?: IToken[];
  StringLit?: (IToken)[];
  RParen?: IToken[];
};

export interface AgentDeclCstNode extends CstNode {
  name: "agentDecl";
  children: AgentDeclCstChildren;
}

export type AgentDeclCstChildren = {
  Agent: IToken[];
  StringLit: IToken[];
  LBrace: IToken[];
  agentEntry?: AgentEntryCstNode[];
  RBrace: IToken[];
};

export interface AgentEntryCstNode extends CstNode {
  name: "agentEntry";
  children: AgentEntryCstChildren;
}

export type AgentEntryCstChildren = {
  annotation?: AnnotationCstNode[];
  modeItem?: ModeItemCstNode[];
  upstreamItem?: UpstreamItemCstNode[];
  upstreamAuthItem?: UpstreamAuthItemCstNode[];
  authItem?: AuthItemCstNode[];
  postureItem?: PostureItemCstNode[];
  flagItem?: FlagItemCstNode[];
  catalogItem?: CatalogItemCstNode[];
  blobsItem?: BlobsItemCstNode[];
  allowMethodItem?: AllowMethodItemCstNode[];
  limitsItem?: LimitsItemCstNode[];
  complianceItem?: ComplianceItemCstNode[];
  evidenceItem?: EvidenceItemCstNode[];
  tlsItem?: TlsItemCstNode[];
  toolItem?: ToolItemCstNode[];
  rootItem?: RootItemCstNode[];
  pathDenyItem?: PathDenyItemCstNode[];
  forbidRule?: ForbidRuleCstNode[];
  grantRule?: GrantRuleCstNode[];
  approveRule?: ApproveRuleCstNode[];
  confirmRule?: ConfirmRuleCstNode[];
  limitRule?: LimitRuleCstNode[];
  idempotentRule?: IdempotentRuleCstNode[];
  redactRule?: RedactRuleCstNode[];
  blockRule?: BlockRuleCstNode[];
  testDecl?: TestDeclCstNode[];
};

export interface ModeItemCstNode extends CstNode {
  name: "modeItem";
  children: ModeItemCstChildren;
}

export type ModeItemCstChildren = {
  Mode: IToken[];
  Intercept?: IToken[];
  Passthrough?: IToken[];
  Shadow?: IToken[];
};

export interface UpstreamItemCstNode extends CstNode {
  name: "upstreamItem";
  children: UpstreamItemCstChildren;
}

export type UpstreamItemCstChildren = {
  Upstream: IToken[];
  StringLit?: (IToken)[];
  Stdio?: IToken[];
  LBracket?: IToken[];
  strList?: StrListCstNode[];
  RBracket?: IToken[];
  Unix?: IToken[];
  Vendor?: IToken[];
};

export interface UpstreamAuthItemCstNode extends CstNode {
  name: "upstreamAuthItem";
  children: UpstreamAuthItemCstChildren;
}

export type UpstreamAuthItemCstChildren = {
  UpstreamAuth: IToken[];
  Bearer?: IToken[];
  secretValue?: SecretValueCstNode[];
  Passthrough?: IToken[];
  Header?: IToken[];
  StringLit?: IToken[];
};

export interface AuthItemCstNode extends CstNode {
  name: "authItem";
  children: AuthItemCstChildren;
}

export type AuthItemCstChildren = {
  Auth: IToken[];
  Bearer?: IToken[];
  None?: IToken[];
  Oidc?: IToken[];
  Issuer?: IToken[];
  StringLit?: (IToken)[];
  Audience?: IToken[];
};

export interface PostureItemCstNode extends CstNode {
  name: "postureItem";
  children: PostureItemCstChildren;
}

export type PostureItemCstChildren = {
  Posture: IToken[];
  ReadOnly?: IToken[];
  ReadWrite?: IToken[];
};

export interface FlagItemCstNode extends CstNode {
  name: "flagItem";
  children: FlagItemCstChildren;
}

export type FlagItemCstChildren = {
  TrustAnnotations?: IToken[];
  RequireListed?: IToken[];
  RealpathCheck?: IToken[];
  boolLit: BoolLitCstNode[];
};

export interface CatalogItemCstNode extends CstNode {
  name: "catalogItem";
  children: CatalogItemCstChildren;
}

export type CatalogItemCstChildren = {
  Catalog: IToken[];
  StringLit: IToken[];
  Strict?: IToken[];
};

export interface BlobsItemCstNode extends CstNode {
  name: "blobsItem";
  children: BlobsItemCstChildren;
}

export type BlobsItemCstChildren = {
  Blobs: IToken[];
  Pass?: IToken[];
  Drop?: IToken[];
  Block?: IToken[];
};

export interface AllowMethodItemCstNode extends CstNode {
  name: "allowMethodItem";
  children: AllowMethodItemCstChildren;
}

export type AllowMethodItemCstChildren = {
  Allow: IToken[];
  Method: IToken[];
  strList: StrListCstNode[];
};

export interface LimitsItemCstNode extends CstNode {
  name: "limitsItem";
  children: LimitsItemCstChildren;
}

export type LimitsItemCstChildren = {
  Limits: IToken[];
  LBrace: IToken[];
  limitsEntry?: LimitsEntryCstNode[];
  RBrace: IToken[];
};

export interface LimitsEntryCstNode extends CstNode {
  name: "limitsEntry";
  children: LimitsEntryCstChildren;
}

export type LimitsEntryCstChildren = {
  Name: IToken[];
  SizeLit?: IToken[];
  Number?: IToken[];
};

export interface ComplianceItemCstNode extends CstNode {
  name: "complianceItem";
  children: ComplianceItemCstChildren;
}

export type ComplianceItemCstChildren = {
  Compliance: IToken[];
  LBrace: IToken[];
  complianceEntry?: ComplianceEntryCstNode[];
  RBrace: IToken[];
};

export interface ComplianceEntryCstNode extends CstNode {
  name: "complianceEntry";
  children: ComplianceEntryCstChildren;
}

export type ComplianceEntryCstChildren = {
  Frameworks?: IToken[];
  nameList?: NameListCstNode[];
  AuditRetention?: IToken[];
  DurationLit?: IToken[];
};

export interface EvidenceItemCstNode extends CstNode {
  name: "evidenceItem";
  children: EvidenceItemCstChildren;
}

export type EvidenceItemCstChildren = {
  Evidence: IToken[];
  LBrace: IToken[];
  evidenceEntry?: EvidenceEntryCstNode[];
  RBrace: IToken[];
};

export interface EvidenceEntryCstNode extends CstNode {
  name: "evidenceEntry";
  children: EvidenceEntryCstChildren;
}

export type EvidenceEntryCstChildren = {
  Capture?: IToken[];
  nameList?: NameListCstNode[];
  Sink?: IToken[];
  StringLit?: IToken[];
};

export interface TlsItemCstNode extends CstNode {
  name: "tlsItem";
  children: TlsItemCstChildren;
}

export type TlsItemCstChildren = {
  Tls: IToken[];
  LBrace: IToken[];
  tlsEntry?: TlsEntryCstNode[];
  RBrace: IToken[];
};

export interface TlsEntryCstNode extends CstNode {
  name: "tlsEntry";
  children: TlsEntryCstChildren;
}

export type TlsEntryCstChildren = {
  Name: IToken[];
  StringLit?: IToken[];
  boolLit?: BoolLitCstNode[];
};

export interface ToolItemCstNode extends CstNode {
  name: "toolItem";
  children: ToolItemCstChildren;
}

export type ToolItemCstChildren = {
  Tool: IToken[];
  refList: RefListCstNode[];
  Arrow?: IToken[];
  StringLit?: IToken[];
  LBrace?: IToken[];
  toolEntry?: ToolEntryCstNode[];
  RBrace?: IToken[];
};

export interface ToolEntryCstNode extends CstNode {
  name: "toolEntry";
  children: ToolEntryCstChildren;
}

export type ToolEntryCstChildren = {
  Class?: IToken[];
  Name?: IToken[];
  Path?: IToken[];
  pathList?: PathListCstNode[];
  Schema?: IToken[];
  StringLit?: IToken[];
};

export interface RootItemCstNode extends CstNode {
  name: "rootItem";
  children: RootItemCstChildren;
}

export type RootItemCstChildren = {
  Root: IToken[];
  Name: IToken[];
  LBrace: IToken[];
  Path: IToken[];
  StringLit: IToken[];
  Access: IToken[];
  Read?: IToken[];
  ReadWrite?: IToken[];
  RBrace: IToken[];
};

export interface PathDenyItemCstNode extends CstNode {
  name: "pathDenyItem";
  children: PathDenyItemCstChildren;
}

export type PathDenyItemCstChildren = {
  Deny: IToken[];
  Path: IToken[];
  strList: StrListCstNode[];
};

export interface FileCstNode extends CstNode {
  name: "file";
  children: FileCstChildren;
}

export type FileCstChildren = {
  Talon?: IToken[];
  Number?: IToken[];
  importDecl?: ImportDeclCstNode[];
  decl?: DeclCstNode[];
};

export interface DeclarationsCstNode extends CstNode {
  name: "declarations";
  children: DeclarationsCstChildren;
}

export type DeclarationsCstChildren = {
  decl?: DeclCstNode[];
};

export interface StandaloneExprCstNode extends CstNode {
  name: "standaloneExpr";
  children: StandaloneExprCstChildren;
}

export type StandaloneExprCstChildren = {
  expr: ExprCstNode[];
};

export interface ImportDeclCstNode extends CstNode {
  name: "importDecl";
  children: ImportDeclCstChildren;
}

export type ImportDeclCstChildren = {
  Import: IToken[];
  StringLit: IToken[];
};

export interface DeclCstNode extends CstNode {
  name: "decl";
  children: DeclCstChildren;
}

export type DeclCstChildren = {
  annotation?: AnnotationCstNode[];
  constDecl?: ConstDeclCstNode[];
  secretDecl?: SecretDeclCstNode[];
  detectorDecl?: DetectorDeclCstNode[];
  teamDecl?: TeamDeclCstNode[];
  principalDecl?: PrincipalDeclCstNode[];
  agentDecl?: AgentDeclCstNode[];
  gatewayDecl?: GatewayDeclCstNode[];
  testDecl?: TestDeclCstNode[];
};

export interface ConstDeclCstNode extends CstNode {
  name: "constDecl";
  children: ConstDeclCstChildren;
}

export type ConstDeclCstChildren = {
  Const: IToken[];
  Identifier: IToken[];
  Assign: IToken[];
  expr: ExprCstNode[];
};

export interface SecretDeclCstNode extends CstNode {
  name: "secretDecl";
  children: SecretDeclCstChildren;
}

export type SecretDeclCstChildren = {
  Secret: IToken[];
  Identifier: IToken[];
  Assign: IToken[];
  secretValue: SecretValueCstNode[];
};

export interface DetectorDeclCstNode extends CstNode {
  name: "detectorDecl";
  children: DetectorDeclCstChildren;
}

export type DetectorDeclCstChildren = {
  Detector: IToken[];
  Identifier: IToken[];
  LBrace: IToken[];
  detectorItem?: DetectorItemCstNode[];
  RBrace: IToken[];
};

export interface DetectorItemCstNode extends CstNode {
  name: "detectorItem";
  children: DetectorItemCstChildren;
}

export type DetectorItemCstChildren = {
  Pattern?: IToken[];
  RegexLit?: IToken[];
  Validate?: IToken[];
  Name?: IToken[];
};

export interface TeamDeclCstNode extends CstNode {
  name: "teamDecl";
  children: TeamDeclCstChildren;
}

export type TeamDeclCstChildren = {
  Team: IToken[];
  Name: IToken[];
  LBrace: IToken[];
  teamItem?: TeamItemCstNode[];
  RBrace: IToken[];
};

export interface TeamItemCstNode extends CstNode {
  name: "teamItem";
  children: TeamItemCstChildren;
}

export type TeamItemCstChildren = {
  Members?: IToken[];
  strList?: (StrListCstNode)[];
  Approvers?: IToken[];
  Claim?: IToken[];
  StringLit?: (IToken)[];
  Assign?: IToken[];
};

export interface PrincipalDeclCstNode extends CstNode {
  name: "principalDecl";
  children: PrincipalDeclCstChildren;
}

export type PrincipalDeclCstChildren = {
  Vendor?: IToken[];
  Caller?: IToken[];
  StringLit: IToken[];
  LBrace: IToken[];
  principalItem?: PrincipalItemCstNode[];
  RBrace: IToken[];
};

export interface PrincipalItemCstNode extends CstNode {
  name: "principalItem";
  children: PrincipalItemCstChildren;
}

export type PrincipalItemCstChildren = {
  Token?: IToken[];
  secretValue?: SecretValueCstNode[];
  Oidc?: IToken[];
  Sub?: IToken[];
  StringLit?: IToken[];
  Tools?: IToken[];
  refList?: RefListCstNode[];
  Teams?: IToken[];
  nameList?: NameListCstNode[];
  Attrs?: IToken[];
  objectExpr?: ObjectExprCstNode[];
};

export interface GatewayDeclCstNode extends CstNode {
  name: "gatewayDecl";
  children: GatewayDeclCstChildren;
}

export type GatewayDeclCstChildren = {
  Gateway: IToken[];
  StringLit?: IToken[];
  skippedBlock: SkippedBlockCstNode[];
};

export interface SkippedBlockCstNode extends CstNode {
  name: "skippedBlock";
  children: SkippedBlockCstChildren;
}

export type SkippedBlockCstChildren = {
  LBrace: IToken[];
  skippedBlock?: SkippedBlockCstNode[];
  AnyButBrace?: IToken[];
  RBrace: IToken[];
};
