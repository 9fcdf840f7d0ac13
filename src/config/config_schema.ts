/**
 * The schema of {@linkcode Config}, written in TypeScript: one rule per key,
 * each knowing what it accepts and how to say so in an error message. The
 * config file loader and the command-line flags check values against the
 * same rules, so a value is refused the same way wherever it comes from.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { LISTEN_ADDRESS_FORMAT, parseListenAddress } from "./listen_address.ts";

/** What one key accepts. */
export class ValueRule<T> {
  /** The accepted values as a noun phrase, e.g. "an integer from 1 to 1000000". */
  readonly expected: string;
  #test: (value: unknown) => boolean;

  /**
   * @param expected Noun phrase for error messages.
   * @param test True for an accepted value.
   */
  constructor(expected: string, test: (value: unknown) => boolean) {
    this.expected = expected;
    this.#test = test;
  }

  /** True when `value` is accepted. */
  accepts(value: unknown): value is T {
    return this.#test(value);
  }
}

/** A key holding an array, every element checked by `element`. */
export class ListRule<T> {
  /** The accepted arrays as a noun phrase. */
  readonly expected: string;
  /** The rule each element must satisfy. */
  readonly element: ValueRule<T>;

  /**
   * @param expected Noun phrase for error messages about the array itself.
   * @param element Rule for each element.
   */
  constructor(expected: string, element: ValueRule<T>) {
    this.expected = expected;
    this.element = element;
  }
}

/** A schema tree shaped like `T`: objects become nested schemas, leaves rules. */
export type SchemaOf<T> = [T] extends [(infer E)[]] ? ListRule<E>
  : [T] extends [object] ? { readonly [K in keyof T]-?: SchemaOf<T[K]> }
  : ValueRule<T>;

/** A nested schema (an object of rules), as opposed to a leaf rule. */
export type SchemaNode = ValueRule<unknown> | ListRule<unknown> | {
  readonly [key: string]: SchemaNode;
};

function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** A finite number from `min` to `max`, inclusive. */
export function numberFrom(min: number, max: number): ValueRule<number> {
  return new ValueRule(
    `a number from ${min} to ${max}`,
    (value) => isNumber(value) && value >= min && value <= max,
  );
}

/** A finite number greater than 0. */
export function positiveNumber(): ValueRule<number> {
  return new ValueRule("a number greater than 0", (value) => isNumber(value) && value > 0);
}

/** An integer from `min` to `max`, inclusive. */
export function integerFrom(min: number, max: number): ValueRule<number> {
  return new ValueRule(
    `an integer from ${min} to ${max}`,
    (value) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
  );
}

function powerOfTwoFrom(min: number, max: number): ValueRule<number> {
  return new ValueRule(
    `a power of two from ${min} to ${max}`,
    (value) =>
      Number.isInteger(value) && (value as number) >= min && (value as number) <= max &&
      Number.isInteger(Math.log2(value as number)),
  );
}

function oneOf<T extends string>(values: readonly T[]): ValueRule<T> {
  return new ValueRule(
    `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`,
    (value) => (values as readonly unknown[]).includes(value),
  );
}

const BOOLEAN = new ValueRule<boolean>("true or false", (value) => typeof value === "boolean");

// Linux user names as useradd accepts them (a trailing $ marks Samba machine accounts).
const USER_NAME = /^[a-z_][a-z0-9_.-]{0,31}\$?$/i;
// The kernel's comm is 16 bytes with the terminating NUL.
const COMM_MAX_BYTES = 15;
// As src/kernel/session_name.ts names terminals.
const TERMINAL_NAME = /^(pts\/\d{1,7}|tty\d{1,7}|ttyS\d{1,7}|tty:\d{1,4}:\d{1,7})$/;
// The largest uid; 4294967295 is (uid_t)-1, "no user".
const MAX_UID = 4_294_967_294;

const USER = new ValueRule<number | string>(
  `a user id (an integer from 0 to ${MAX_UID}) or a user name`,
  (value) =>
    (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_UID) ||
    (typeof value === "string" && USER_NAME.test(value)),
);

const COMM = new ValueRule<string>(
  `a process name of 1 to ${COMM_MAX_BYTES} bytes`,
  (value) =>
    typeof value === "string" && value.length > 0 &&
    new TextEncoder().encode(value).length <= COMM_MAX_BYTES,
);

const TTY = new ValueRule<string>(
  'a terminal name such as "pts/3", "tty1" or "ttyS0"',
  (value) => typeof value === "string" && TERMINAL_NAME.test(value),
);

const ALERTS_TARGET = new ValueRule<string>(
  'a file path, or "-" for stdout',
  (value) => typeof value === "string" && value.length > 0 && !value.includes("\0"),
);

const METRICS_LISTEN = new ValueRule<string | null>(
  `null (no metrics) or ${LISTEN_ADDRESS_FORMAT}`,
  (value) =>
    value === null || (typeof value === "string" && parseListenAddress(value) !== undefined),
);

const PROFILES_PATH = new ValueRule<string | null>(
  "null (no profiles) or a file path",
  (value) =>
    value === null || (typeof value === "string" && value.length > 0 && !value.includes("\0")),
);

/** The rules of every config key. */
export const CONFIG_SCHEMA: SchemaOf<Config> = {
  threshold: numberFrom(0, 1),
  lambda: {
    prior_alpha: positiveNumber(),
    prior_beta: positiveNumber(),
    min: positiveNumber(),
    max: positiveNumber(),
  },
  max_delay_ms: integerFrom(1, 60_000),
  actuator: oneOf(["sigstop"]),
  dry_run: BOOLEAN,
  allow: {
    users: new ListRule("an array of user ids and user names", USER),
    comms: new ListRule("an array of process names", COMM),
    ttys: new ListRule("an array of terminal names", TTY),
  },
  alerts: ALERTS_TARGET,
  log_level: oneOf(["debug", "info", "warning", "error"]),
  metrics_listen: METRICS_LISTEN,
  metrics_allow_remote: BOOLEAN,
  limits: {
    max_sessions: integerFrom(1, 1_000_000),
    ring_buffer_bytes: powerOfTwoFrom(4096, 1 << 30),
    jitter_map_entries: integerFrom(1, 1_000_000),
  },
  profiles: PROFILES_PATH,
  response: {
    impostor: oneOf(["alert", "jitter"]),
  },
};
