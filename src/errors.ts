/**
 * The two ways a command fails on purpose: a usage error (exit status 2) and
 * an environment error (exit status 1). Both carry one line for the user; an
 * environment error keeps its fix apart so `doctor` can show it in its own
 * column.
 *
 * @module
 */

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
  /** What is wrong, without the fix. */
  readonly problem: string;
  /** What the user should do about it, when known. */
  readonly fix: string | undefined;

  /**
   * @param problem One sentence naming the cause.
   * @param options.fix What to do about it; the message is then "problem; fix".
   */
  constructor(problem: string, options: { fix?: string } = {}) {
    super(options.fix === undefined ? problem : `${problem}; ${options.fix}`);
    this.name = "EnvironmentError";
    this.problem = problem;
    this.fix = options.fix;
  }
}
