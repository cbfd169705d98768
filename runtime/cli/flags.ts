/**
 * Flag parsing for the `talon` subcommands: node:util's `parseArgs`, strict, with its messages cut
 * to the sentence that applies (Node's go on with advice about "--" that does not apply here).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A usage problem: the command prints it and exits 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseFlags<O extends Options>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, strict: true, allowPositionals, options });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // "argument missing" (at the end) and "argument is ambiguous" (followed by another flag) both mean this.
    const noValue = /^Option '(--[a-z-]+)(?: <value>)?' argument (?:missing|is ambiguous)/.exec(message);
    throw new UsageError(noValue ? `${noValue[1]} needs a value` : message.split(/\.\s|\n/)[0]!);
  }
}
