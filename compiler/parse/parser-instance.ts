/**
 * The one `TalonParser` instance of the compiler. Chevrotain parsers are reusable (set `input`,
 * call a rule), and building one runs the grammar analysis, so it is built once, lazily.
 */
import { TalonParser } from "../../grammar/parser.js";
import { talonErrorMessages } from "./error-messages.js";

let instance: TalonParser | undefined;

/** The shared parser, with this project's error-message provider. */
export function talonParser(): TalonParser {
  instance ??= new TalonParser(talonErrorMessages);
  return instance;
}
