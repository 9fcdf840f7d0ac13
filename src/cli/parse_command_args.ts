/**
 * node:util parseArgs in strict mode, with its errors turned into the one
 * line every ghost-hunter command prints for a bad command line (exit 2).
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../errors.ts";
import type { ValueRule } from "../config/config_schema.ts";

/** What {@link parseCommandArgs} needs beyond parseArgs' own configuration. */
export interface CommandArgsContext {
  /** The subcommand, named in the "see --help" hint. */
  command: string;
  /** What a value-taking option expects, e.g. "a number from 0 to 1", for its error. */
  expects?: (option: string) => string | undefined;
}

/** The one-line UsageError for a parseArgs failure. */
export function usageFromParseError(error: unknown, context: CommandArgsContext): UsageError {
  const seeHelp = `see "ghost-hunter ${context.command} --help"`;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const option = /'(-[^' ]*)/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option !== undefined) {
    return new UsageError(`Unknown option ${option}: ${seeHelp} for the options`);
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    const argument = /'([^']*)'/.exec(message)?.[1] ?? "";
    return new UsageError(
      `Unexpected argument ${
        JSON.stringify(argument)
      }: ${context.command} takes options only; ${seeHelp}`,
    );
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option !== undefined) {
    if (message.includes("does not take an argument")) {
      return new UsageError(`Option ${option} takes no value; write ${option} alone`);
    }
    const expected = context.expects?.(option) ?? "a value";
    return new UsageError(
      `Option ${option} needs a value (${expected}); write ${option}=VALUE for one starting with "-"`,
    );
  }
  return new UsageError(`${message.split("\n")[0]}; ${seeHelp}`);
}

/** parseArgs (strict mode required); a bad command line throws a one-line {@link UsageError}. */
export function parseCommandArgs<T extends ParseArgsConfig & { strict: true }>(
  config: T,
  context: CommandArgsContext,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw usageFromParseError(error, context);
  }
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** `text` as a number when it is written as a decimal number, else `text` unchanged. */
export function decimalValue(text: string): number | string {
  return DECIMAL.test(text) ? Number(text) : text;
}

/**
 * The number an option's text gives, checked by the config schema's `rule`,
 * so every command refuses a number the same way; throws a one-line
 * {@link UsageError} naming the option and what it expects.
 */
export function numberOption(option: string, text: string, rule: ValueRule<number>): number {
  const value = decimalValue(text);
  if (!rule.accepts(value)) {
    throw new UsageError(`Option ${option} expects ${rule.expected}, got ${JSON.stringify(text)}`);
  }
  return value;
}
