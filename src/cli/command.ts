/**
 * The shape every subcommand of `./ghost-hunter` has.
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
