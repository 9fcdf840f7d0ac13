import assert from "node:assert/strict";
import fc from "fast-check";
import { UsageError } from "../../src/errors.ts";
import { parseRunArgs } from "../../src/cli/run_args.ts";
import type { Config } from "../../src/config/config.ts";
import { DEFAULT_CONFIG } from "../../src/config/defaults.ts";
import {
  CONFIG_SCHEMA,
  ListRule,
  type SchemaNode,
  ValueRule,
} from "../../src/config/config_schema.ts";
import {
  configFromJson,
  loadConfigFile,
  MAX_CONFIG_BYTES,
  parseConfigBytes,
} from "../../src/config/load_config.ts";

const SOURCE = "/etc/gh.json";

function refusal(document: unknown): string {
  try {
    configFromJson(document, SOURCE);
  } catch (error) {
    assert.ok(error instanceof UsageError, `a UsageError, got ${error}`);
    return error.message;
  }
  assert.fail(`accepted ${JSON.stringify(document)}`);
}

const REFUSALS: [document: unknown, message: string][] = [
  [
    { limits: { max_sessions: -3 } },
    '"limits.max_sessions" must be an integer from 1 to 1000000, got -3',
  ],
  [
    { limits: { max_sessions: 2.5 } },
    '"limits.max_sessions" must be an integer from 1 to 1000000, got 2.5',
  ],
  [{ threshold: "high" }, '"threshold" must be a number from 0 to 1, got "high"'],
  [{ threshold: 1.5 }, '"threshold" must be a number from 0 to 1, got 1.5'],
  [{ lambda: { prior_alpha: 0 } }, '"lambda.prior_alpha" must be a number greater than 0, got 0'],
  [{ lambda: { min: 5, max: 1 } }, '"lambda.max" must be at least "lambda.min" (5), got 1'],
  [{ max_delay_ms: 0 }, '"max_delay_ms" must be an integer from 1 to 60000, got 0'],
  [{ actuator: "kill" }, '"actuator" must be one of "sigstop", got "kill"'],
  [{ dry_run: "yes" }, '"dry_run" must be true or false, got "yes"'],
  [
    { log_level: "trace" },
    '"log_level" must be one of "debug", "info", "warning", "error", got "trace"',
  ],
  [{ alerts: "" }, '"alerts" must be a file path, or "-" for stdout, got ""'],
  [
    { allow: { users: "root" } },
    '"allow.users" must be an array of user ids and user names, got "root"',
  ],
  [
    { allow: { users: [0, "root", -1] } },
    '"allow.users[2]" must be a user id (an integer from 0 to 4294967294) or a user name, got -1',
  ],
  [
    { allow: { comms: ["bash", "a-process-name-too-long"] } },
    '"allow.comms[1]" must be a process name of 1 to 15 bytes, got "a-process-name-too-long"',
  ],
  [
    { allow: { ttys: ["/dev/pts/3"] } },
    '"allow.ttys[0]" must be a terminal name such as "pts/3", "tty1" or "ttyS0", got "/dev/pts/3"',
  ],
  [
    { metrics_listen: "9464" },
    '"metrics_listen" must be null (no metrics) or HOST:PORT with HOST an IP address or "localhost" (IPv6 in brackets) and PORT from 1 to 65535, got "9464"',
  ],
  [
    { metrics_listen: "0.0.0.0:9464" },
    '"metrics_listen" must be a loopback address (127.0.0.1, [::1] or localhost) unless "metrics_allow_remote" is true, got "0.0.0.0:9464"',
  ],
  [
    { limits: { ring_buffer_bytes: 5000 } },
    '"limits.ring_buffer_bytes" must be a power of two from 4096 to 1073741824, got 5000',
  ],
  [
    { limits: { jitter_map_entries: 0 } },
    '"limits.jitter_map_entries" must be an integer from 1 to 1000000, got 0',
  ],
  [{ limits: [] }, '"limits" must be a JSON object, got an array'],
  [[], "the file must be a JSON object, got an array"],
  [null, "the file must be a JSON object, got null"],
  [
    { treshold: 0.5 },
    'unknown key "treshold"; the top-level keys are threshold, lambda, max_delay_ms, actuator, dry_run, allow, alerts, log_level, metrics_listen, metrics_allow_remote, limits, profiles, response',
  ],
  [
    { limits: { max_session: 10 } },
    'unknown key "limits.max_session"; the keys of "limits" are max_sessions, ring_buffer_bytes, jitter_map_entries',
  ],
];

Deno.test("each invalid value is refused with the file, the key path and the problem", () => {
  for (const [document, problem] of REFUSALS) {
    assert.equal(refusal(document), `Config file ${SOURCE}: ${problem}`);
  }
});

Deno.test("a file that is not JSON, or not UTF-8, is refused in one line", () => {
  const cases: [Uint8Array, string][] = [
    [
      new TextEncoder().encode('{"threshold": 0.5,}'),
      `Config file ${SOURCE}: not valid JSON (`,
    ],
    [
      new Uint8Array([0x7b, 0xff, 0x7d]),
      `Config file ${SOURCE}: not UTF-8 text; save it as UTF-8 JSON`,
    ],
  ];
  for (const [bytes, start] of cases) {
    assert.throws(
      () => parseConfigBytes(bytes, SOURCE),
      (error) => error instanceof UsageError && error.message.startsWith(start),
    );
  }
});

Deno.test("an unreadable config file names the path and the fix", async () => {
  const path = "/tmp/gh/does-not-exist.json";
  await assert.rejects(
    loadConfigFile(path),
    (error) =>
      error instanceof UsageError &&
      error.message.startsWith(`Config file ${path}: cannot read it (`) &&
      error.message.endsWith("); check the path given to --config"),
  );
});

Deno.test("a config file past the size bound is refused without being read", async () => {
  const path = await Deno.makeTempFile({ dir: "/tmp", suffix: ".json" });
  try {
    await Deno.writeTextFile(path, `{"threshold": 0.7, "pad": "${"x".repeat(MAX_CONFIG_BYTES)}"}`);
    await assert.rejects(
      loadConfigFile(path),
      (error) =>
        error instanceof UsageError &&
        error.message ===
          `Config file ${path}: larger than ${MAX_CONFIG_BYTES} bytes, so not a config (those take under 2 KB); check the path given to --config`,
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a valid file overrides only the keys it names", () => {
  const config = configFromJson({
    threshold: 0.8,
    lambda: { max: 20 },
    allow: { users: [0, "backup"], ttys: ["pts/3"] },
    metrics_listen: "0.0.0.0:9464",
    metrics_allow_remote: true,
  }, SOURCE);
  const expected: Config = structuredClone(DEFAULT_CONFIG) as Config;
  expected.threshold = 0.8;
  expected.lambda.max = 20;
  expected.allow.users = [0, "backup"];
  expected.allow.ttys = ["pts/3"];
  expected.metrics_listen = "0.0.0.0:9464";
  expected.metrics_allow_remote = true;
  assert.deepEqual(config, expected);
  assert.deepEqual(configFromJson({}, SOURCE), DEFAULT_CONFIG);
});

Deno.test("precedence: defaults, then the config file, then flags", async () => {
  const dir = await Deno.makeTempDir({ dir: "/tmp" });
  try {
    const path = `${dir}/config.json`;
    await Deno.writeTextFile(
      path,
      JSON.stringify({ threshold: 0.5, actuator: "sigstop", limits: { max_sessions: 100 } }),
    );
    const fromFile = await parseRunArgs(["--config", path]);
    assert.equal(fromFile.threshold, 0.5);
    assert.equal(fromFile.actuator, "sigstop");
    assert.equal(fromFile.limits.max_sessions, 100);
    assert.equal(fromFile.limits.ring_buffer_bytes, DEFAULT_CONFIG.limits.ring_buffer_bytes);
    assert.equal(fromFile.max_delay_ms, DEFAULT_CONFIG.max_delay_ms);

    const fromFlags = await parseRunArgs([
      "--config",
      path,
      "--threshold",
      "0.9",
      "--max-sessions=7",
    ]);
    assert.equal(fromFlags.threshold, 0.9);
    assert.equal(fromFlags.limits.max_sessions, 7);
    assert.equal(fromFlags.actuator, "sigstop", "a key without a flag keeps the file's value");

    // Flags given before --config still win over the file.
    const flagsFirst = await parseRunArgs(["--threshold", "0.9", "--config", path]);
    assert.equal(flagsFirst.threshold, 0.9);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function isOneLineConfigError(error: unknown): boolean {
  return error instanceof UsageError && error.message.startsWith(`Config file ${SOURCE}: `) &&
    !/[\n\r\u2028\u2029]/.test(error.message);
}

function satisfiesSchema(schema: SchemaNode, value: unknown): boolean {
  if (schema instanceof ValueRule) return schema.accepts(value);
  if (schema instanceof ListRule) {
    return Array.isArray(value) && value.every((element) => schema.element.accepts(element));
  }
  return typeof value === "object" && value !== null &&
    Object.entries(schema).every(([key, child]) =>
      satisfiesSchema(child, (value as Record<string, unknown>)[key])
    );
}

function checkOutcome(load: () => Config): void {
  let config: Config;
  try {
    config = load();
  } catch (error) {
    assert.ok(isOneLineConfigError(error), `undocumented error: ${error}`);
    return;
  }
  assert.ok(satisfiesSchema(CONFIG_SCHEMA as SchemaNode, config), "result obeys the schema");
}

Deno.test("fuzz: any JSON value yields a valid config or the documented one-line error", () => {
  const keys = [
    ...Object.keys(CONFIG_SCHEMA),
    "limits",
    "lambda",
    "allow",
    "__proto__",
    "constructor",
  ];
  const nearConfig = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      fc.jsonValue(),
      fc.dictionary(fc.constantFrom(...keys, "max_sessions", "users", "min", "max"), tie("node")),
    ),
  })).node;
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), nearConfig), (document) => {
      checkOutcome(() => configFromJson(document, SOURCE));
    }),
    { numRuns: 2000 },
  );
});

Deno.test("fuzz: any bytes yield a valid config or the documented one-line error", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 256 }),
        fc.jsonValue().map((value) => new TextEncoder().encode(JSON.stringify(value) ?? "")),
        fc.string({ unit: "binary" }).map((text) => new TextEncoder().encode(`{"${text}`)),
      ),
      (bytes) => checkOutcome(() => parseConfigBytes(bytes, SOURCE)),
    ),
    { numRuns: 2000 },
  );
});
