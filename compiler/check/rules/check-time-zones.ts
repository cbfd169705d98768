/**
 * Invariant: `now.hour(tz)` and `now.weekday(tz)` name a time zone the runtime knows: a string
 * literal that is a valid IANA zone (`"Europe/Madrid"`, `"UTC"`). The bundle builds its
 * formatter once, at load, from that literal.
 * Codes: TAL0409.
 */
import { conditions, walk } from "../conditions.js";
import type { CheckRule } from "../context.js";

/** Whether `tz` is a zone this Node's ICU accepts. */
export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The rule described at the top of this file. */
export const checkTimeZones: CheckRule = {
  name: "time-zones",
  run(ctx) {
    for (const { cond } of conditions(ctx.program)) {
      walk(cond.expr, (e) => {
        if (e.kind !== "call" || !e.target || (e.callee.name !== "hour" && e.callee.name !== "weekday")) return;
        const tz = e.args[0];
        if (e.args.length !== 1 || !tz) {
          ctx.diags.report("TAL0409", e.span, { args: { tz: "(missing)" }, help: 'name one zone: `now.hour("Europe/Madrid")`' });
        } else if (tz.kind !== "string") {
          ctx.diags.report("TAL0409", tz.span, { args: { tz: "(not a string literal)" }, help: 'write the zone as a string literal: `"Europe/Madrid"`' });
        } else if (!validTimeZone(tz.value)) {
          ctx.diags.report("TAL0409", tz.span, { args: { tz: tz.value }, help: 'use an IANA zone name such as "Europe/Madrid" or "UTC"' });
        }
      });
    }
  },
};
