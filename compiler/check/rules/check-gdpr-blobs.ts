/**
 * Invariant (gdpr profile, §8.1/§8.2): base64 blobs (images, files) cannot be inspected for
 * personal data, so under `frameworks gdpr` an explicit `blobs pass` is TAL1006 at the setting.
 * `blobs drop` and `blobs block` are fine. An agent that never writes `blobs` is not judged here,
 * although the runtime then passes blobs: the seed YAML has no `blobs` key, so reporting the
 * default would warn on every gdpr YAML agent with no way to answer it there.
 * Codes: TAL1006.
 */
import { scalar } from "../agents.js";
import type { CheckRule } from "../context.js";

/** The rule described at the top of this file. */
export const checkGdprBlobs: CheckRule = {
  name: "gdpr-blobs",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      if (!agent.frameworks.some((f) => f.name === "gdpr")) continue;
      const blobs = scalar(agent, "blobs");
      if (blobs?.value !== "pass") continue;
      ctx.diags.report("TAL1006", blobs.span, { help: "write `blobs drop` (strip them) or `blobs block` (refuse the message)" });
    }
  },
};
