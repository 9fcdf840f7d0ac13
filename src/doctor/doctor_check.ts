/**
 * The shape of one `ghost-hunter doctor` check: it looks at one thing the
 * agent needs and says whether it is there, what it found, and how to fix it.
 *
 * @module
 */

/** What a check found. */
export interface CheckOutcome {
  /** True when the agent's need is met. */
  ok: boolean;
  /** What was found, in one line. */
  detail: string;
  /** How to fix a failure, in one line. */
  fix?: string;
}

/** One thing `ghost-hunter doctor` checks. */
export type DoctorCheck = {
  /** Short name shown in the table, e.g. "kernel version". */
  name: string;
  /** Looks, leaving nothing changed behind. */
  run(): Promise<CheckOutcome>;
};
