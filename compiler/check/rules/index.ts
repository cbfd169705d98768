/**
 * The ordered registry of check rules. Order matters only for how diagnostics read (name and
 * shape problems before semantic ones); every rule runs, and the bag sorts by position at the end.
 */
import type { CheckRule } from "../context.js";
import { checkAgentScalars } from "./check-agent-scalars.js";
import { checkAgentUpstream } from "./check-agent-upstream.js";
import { checkAnonymous } from "./check-anonymous.js";
import { checkApprovals } from "./check-approvals.js";
import { checkConditionAbsent } from "./check-condition-absent.js";
import { checkConditionCompare } from "./check-condition-compare.js";
import { checkConditionConstant } from "./check-condition-constant.js";
import { checkConditionSupport } from "./check-condition-support.js";
import { checkConditionType } from "./check-condition-type.js";
import { checkCost } from "./check-cost.js";
import { checkExprSize } from "./check-expr-size.js";
import { checkGdprBlobs } from "./check-gdpr-blobs.js";
import { checkGdprRetention } from "./check-gdpr-retention.js";
import { checkGrants } from "./check-grants.js";
import { checkIdempotency } from "./check-idempotency.js";
import { checkIneffectiveRules } from "./check-ineffective-rules.js";
import { checkLimits } from "./check-limits.js";
import { checkNis2Evidence } from "./check-nis2-evidence.js";
import { checkOversight } from "./check-oversight.js";
import { checkRedact } from "./check-redact.js";
import { checkRedactDescendants } from "./check-redact-descendants.js";
import { checkReferences } from "./check-references.js";
import { checkRegexEngine } from "./check-regex-engine.js";
import { checkRoots } from "./check-roots.js";
import { checkRuleIds } from "./check-rule-ids.js";
import { checkQuantifierDepth } from "./check-quantifier-depth.js";
import { checkSecrets } from "./check-secrets.js";
import { checkTests } from "./check-tests.js";
import { checkTimeZones } from "./check-time-zones.js";
import { checkToolExposures } from "./check-tool-exposures.js";
import { checkToolNames } from "./check-tool-names.js";
import { checkUnenforced } from "./check-unenforced.js";
import { checkUniqueNames } from "./check-unique-names.js";
import { checkUnmatchedTargets } from "./check-unmatched-targets.js";

/** Every check rule, in the order they run. */
export const CHECK_RULES: readonly CheckRule[] = [
  checkUniqueNames,
  checkAgentScalars,
  checkAgentUpstream,
  checkReferences,
  checkToolNames,
  checkToolExposures,
  checkGrants,
  checkUnmatchedTargets,
  checkSecrets,
  checkAnonymous,
  checkApprovals,
  checkLimits,
  checkOversight,
  checkIneffectiveRules,
  checkIdempotency,
  checkRedact,
  checkRedactDescendants,
  checkRoots,
  checkGdprRetention,
  checkNis2Evidence,
  checkGdprBlobs,
  checkRuleIds,
  checkExprSize,
  checkQuantifierDepth,
  checkCost,
  checkRegexEngine,
  checkConditionCompare,
  checkConditionType,
  checkConditionConstant,
  checkConditionAbsent,
  checkTimeZones,
  checkUnenforced,
  checkConditionSupport,
  checkTests,
];
