/**
 * The shape every subcommand of `./ghost-hunter` has, and the error that
 * turns a bad command line into one line on stderr and exit status 2.
 *
 * @module
 */

/** A subcommand: `record`, `replay`, `doctor`, `run`… */
export interface Command {
  /** The word on the command line. */
  name: string;
  /** One line for the command list in `--help`. */
  summary: string;
  /** The full `--help` text: usage, every flag with its default, examples. */
  help: string;
  /** Runs the command with the arguments after its name; resolves to the exit status. */
  run(args: string[]): Promise<number>;
}

/** A command line, config value or input file the user must fix: exit status 2. */
export class UsageError extends Error {
  /** @param message One sentence naming the problem and the fix. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A missing capability, kernel feature or library: exit status 1, with the fix. */
export class EnvironmentError extends Error {
  /** @param message One sentence naming the cause and the fix. */
  constructor(message: string) {
    super(message);
    this.name = "EnvironmentError";
  }
}
