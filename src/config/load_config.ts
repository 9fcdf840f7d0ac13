/**
 * Reads a JSON config file and checks it against {@linkcode CONFIG_SCHEMA}
 * at start-up. Keys left out keep their defaults; an unknown key, a value of
 * the wrong kind or out of range, or inconsistent keys are refused with one
 * line naming the file, the key path and the problem:
 *
 * `Config file /etc/gh.json: "limits.max_sessions" must be an integer from 1 to 1000000, got -3.`
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { Config } from "./config.ts";
import { DEFAULT_CONFIG } from "./defaults.ts";
import { CONFIG_SCHEMA, ListRule, type SchemaNode, ValueRule } from "./config_schema.ts";
import { isLoopback, parseListenAddress } from "./listen_address.ts";

/** A key whose value conflicts with another key. */
export interface KeyConflict {
  /** Dotted key path, e.g. "lambda.max". */
  key: string;
  /** What is wrong and what is expected, without the value. */
  problem: string;
  /** The offending value. */
  value: unknown;
}

const MAX_SHOWN_CHARS = 60;
// C0 and C1 controls and the Unicode line separators: none may reach a one-line error.
const UNPRINTABLE = /[\p{Cc}\u2028\u2029]/gu;

function shorten(text: string): string {
  return text.length <= MAX_SHOWN_CHARS ? text : `${text.slice(0, MAX_SHOWN_CHARS)}…`;
}

/** A value as an error message shows it, always on one line. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(shorten(value));
  return String(value);
}

function quotePath(path: readonly string[]): string {
  const dotted = path.map((part, i) => part.startsWith("[") || i === 0 ? part : `.${part}`)
    .join("");
  return JSON.stringify(shorten(dotted));
}

function fileError(source: string, problem: string): UsageError {
  return new UsageError(`Config file ${source}: ${problem}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkNode(
  schema: SchemaNode,
  value: unknown,
  path: string[],
  source: string,
): void {
  if (schema instanceof ValueRule) {
    if (!schema.accepts(value)) {
      throw fileError(
        source,
        `${quotePath(path)} must be ${schema.expected}, got ${describeValue(value)}`,
      );
    }
    return;
  }
  if (schema instanceof ListRule) {
    if (!Array.isArray(value)) {
      throw fileError(
        source,
        `${quotePath(path)} must be ${schema.expected}, got ${describeValue(value)}`,
      );
    }
    value.forEach((element, index) =>
      checkNode(schema.element, element, [...path, `[${index}]`], source)
    );
    return;
  }
  if (!isPlainObject(value)) {
    const what = path.length === 0 ? "the file" : quotePath(path);
    throw fileError(source, `${what} must be a JSON object, got ${describeValue(value)}`);
  }
  for (const [key, child] of Object.entries(value)) {
    if (!Object.hasOwn(schema, key)) {
      const known = Object.keys(schema).join(", ");
      const where = path.length === 0 ? "top-level keys" : `keys of ${quotePath(path)}`;
      throw fileError(
        source,
        `unknown key ${quotePath([...path, key])}; the ${where} are ${known}`,
      );
    }
    checkNode((schema as Record<string, SchemaNode>)[key]!, child, [...path, key], source);
  }
}

function overlay(base: Record<string, unknown>, file: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(file)) {
    const current = base[key];
    if (isPlainObject(current) && isPlainObject(value)) overlay(current, value);
    else base[key] = value;
  }
}

/**
 * The first pair of keys that contradict each other in `config`, or
 * undefined. Checked after every override, since a flag can cause one.
 */
export function findKeyConflict(config: Config): KeyConflict | undefined {
  if (config.lambda.max < config.lambda.min) {
    return {
      key: "lambda.max",
      problem: `must be at least "lambda.min" (${config.lambda.min})`,
      value: config.lambda.max,
    };
  }
  if (config.metrics_listen !== null && !config.metrics_allow_remote) {
    const address = parseListenAddress(config.metrics_listen);
    if (address !== undefined && !isLoopback(address)) {
      return {
        key: "metrics_listen",
        problem:
          'must be a loopback address (127.0.0.1, [::1] or localhost) unless "metrics_allow_remote" is true',
        value: config.metrics_listen,
      };
    }
  }
  return undefined;
}

/**
 * The configuration a parsed JSON document describes: the defaults, with
 * every key present in `document` replaced. Throws a {@linkcode UsageError}
 * naming `source`, the key path and the problem.
 */
export function configFromJson(document: unknown, source: string): Config {
  checkNode(CONFIG_SCHEMA as SchemaNode, document, [], source);
  const config = structuredClone(DEFAULT_CONFIG) as Config;
  overlay(config as unknown as Record<string, unknown>, document as Record<string, unknown>);
  const conflict = findKeyConflict(config);
  if (conflict !== undefined) {
    throw fileError(
      source,
      `${quotePath([conflict.key])} ${conflict.problem}, got ${describeValue(conflict.value)}`,
    );
  }
  return config;
}

/**
 * The configuration in the bytes of a config file: UTF-8 JSON checked by
 * {@linkcode configFromJson}. Throws a {@linkcode UsageError} naming `source`.
 */
export function parseConfigBytes(bytes: Uint8Array, source: string): Config {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw fileError(source, "not UTF-8 text; save it as UTF-8 JSON");
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error))
      .replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    throw fileError(source, `not valid JSON (${reason}); fix the syntax`);
  }
  return configFromJson(document, source);
}

/** Largest config file read, bytes: every key set takes under 2 KB. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Reads and checks the config file at `path`. Throws a {@linkcode UsageError}
 * when it cannot be read or is invalid.
 */
export async function loadConfigFile(path: string): Promise<Config> {
  let bytes: Uint8Array;
  try {
    const { isFile, size } = await Deno.stat(path);
    if (isFile && size > MAX_CONFIG_BYTES) {
      throw fileError(
        path,
        `larger than ${MAX_CONFIG_BYTES} bytes, so not a config (those take under 2 KB); check the path given to --config`,
      );
    }
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw fileError(path, `cannot read it (${reason}); check the path given to --config`);
  }
  return parseConfigBytes(bytes, path);
}
