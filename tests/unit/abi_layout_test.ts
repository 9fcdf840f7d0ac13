/**
 * The ABI is defined once, in bpf/ghost_hunter.h; these tests fail when
 * src/kernel/abi.ts drifts from it: against the BTF of the compiled probe, and
 * against a C program built from the same header.
 */
import assert from "node:assert/strict";
import {
  Counter,
  decodeTtyEvent,
  DEV_T,
  devMajor,
  devMinor,
  encodeJitterCommand,
  EventFlag,
  EventKind,
  JITTER_COMMAND_LAYOUT,
  JitterMode,
  mkdev,
  PROBE_CONFIG_LAYOUT,
  STOPPED_WRITER_LAYOUT,
  TerminalMajor,
  TTY_EVENT_LAYOUT,
} from "../../src/kernel/abi.ts";
import { InputShape, MAX_ESCAPE_BYTES, MAX_UTF8_BYTES } from "../../src/score/input_shape.ts";
import { buildBlocker, REPO_ROOT, skipOrFail } from "../support/gate.ts";

/** The probe's `__TARGET_ARCH_*`, which selects its syscall numbers. */
const TARGET_ARCH = Deno.build.arch === "aarch64" ? "arm64" : "x86";

const TS_LAYOUTS: Record<string, Record<string, number>> = {
  gh_tty_event: TTY_EVENT_LAYOUT,
  gh_jitter_command: JITTER_COMMAND_LAYOUT,
  gh_probe_config: PROBE_CONFIG_LAYOUT,
  gh_stopped_writer: STOPPED_WRITER_LAYOUT,
};

interface BtfType {
  kind: string;
  name?: string;
  size?: number;
  members?: { name: string; bits_offset: number }[];
  values?: { name: string; val: number }[];
}

function run(command: string, args: string[]): string {
  const output = new Deno.Command(command, { args, stderr: "piped" })
    .outputSync();
  if (!output.success) {
    throw new Error(
      `${command} failed: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
  return new TextDecoder().decode(output.stdout);
}

Deno.test({
  name: "abi: TypeScript layouts equal the BTF of the compiled probe",
  ignore: skipOrFail(
    "abi BTF layout",
    buildBlocker({
      tools: ["bpftool"],
      files: ["build/probe.bpf.o"],
    }),
  ),
  fn() {
    const btf = JSON.parse(
      run("bpftool", [
        "-j",
        "btf",
        "dump",
        "file",
        `${REPO_ROOT}build/probe.bpf.o`,
      ]),
    );
    const types: BtfType[] = btf.types;
    for (const [name, layout] of Object.entries(TS_LAYOUTS)) {
      const struct = types.find((t) => t.kind === "STRUCT" && t.name === name);
      assert.ok(struct?.members, `struct ${name} is in the probe's BTF`);
      const { size, ...fields } = layout;
      assert.equal(struct.size, size, `${name} size`);
      const btfFields = Object.fromEntries(
        struct.members.map((m) => [m.name, m.bits_offset / 8]),
      );
      assert.deepEqual(btfFields, fields, `${name} field offsets`);
    }
    const kinds = types.find((t) => t.kind === "ENUM" && t.name === "gh_event_kind");
    assert.deepEqual(
      Object.fromEntries(
        (kinds?.values ?? []).map((
          v,
        ) => [v.name.replace("GH_EVENT_", ""), v.val]),
      ),
      EventKind,
    );
  },
});

Deno.test({
  name: "abi: layouts, enum values and a golden event from C",
  ignore: skipOrFail("abi golden bytes", buildBlocker({ tools: ["clang"] })),
  fn() {
    const binary = Deno.makeTempFileSync({ prefix: "gh-abi-golden-" });
    try {
      run("clang", [
        "-O0",
        `-D__TARGET_ARCH_${TARGET_ARCH}`,
        "-I",
        `${REPO_ROOT}bpf`,
        "-o",
        binary,
        `${REPO_ROOT}tests/fixtures/abi_golden.c`,
      ]);
      const c = JSON.parse(run(binary, []));
      assert.deepEqual(c.tty_event, TTY_EVENT_LAYOUT);
      assert.deepEqual(c.jitter_command, JITTER_COMMAND_LAYOUT);
      assert.deepEqual(c.probe_config, PROBE_CONFIG_LAYOUT);
      assert.deepEqual(c.stopped_writer, STOPPED_WRITER_LAYOUT);
      assert.deepEqual(c.enums, { EventKind, EventFlag, JitterMode, Counter, InputShape });
      assert.deepEqual(c.shape_limits, { escape: MAX_ESCAPE_BYTES, utf8: MAX_UTF8_BYTES });
      assert.deepEqual(c.dev, DEV_T);
      assert.deepEqual(c.TerminalMajor, TerminalMajor);
      assert.equal(mkdev(136, 7), c.mkdev_136_7);
      const largest = mkdev(143, 0xfffff);
      assert.deepEqual([devMajor(largest), devMinor(largest)], c.major_minor_of_mkdev_143_1048575);
      // Each number the probe hard-codes equals what this system's headers say.
      const pairs: Record<string, [number, number]> = c.hard_coded_vs_system;
      for (const [name, [probe, system]] of Object.entries(pairs)) {
        assert.equal(probe, system, `${name}: the probe says ${probe}, the system ${system}`);
      }
      assert.ok("__NR_write" in pairs && "ICANON" in pairs, Object.keys(pairs).join(", "));

      const hex: string = c.golden_event_hex;
      const bytes = new Uint8Array(
        hex.match(/../g)!.map((h) => parseInt(h, 16)),
      );
      assert.deepEqual(decodeTtyEvent(new DataView(bytes.buffer), 0), {
        timestampNs: 0x0123456789abcdefn,
        kind: EventKind.OUTPUT,
        flags: EventFlag.JITTERED | EventFlag.MASTER_SIDE,
        tgid: 4242,
        tid: 4243,
        uid: 1000,
        sessionKey: (136 << 20) | 7,
        bytes: 0x100000001,
        comm: "sshd",
        loginId: 0x01020304,
        shape: 5,
      });
    } finally {
      Deno.removeSync(binary);
    }
  },
});

Deno.test("abi: decoding rejects short buffers and unknown kinds", () => {
  const bytes = new Uint8Array(TTY_EVENT_LAYOUT.size + 8);
  const view = new DataView(bytes.buffer);
  assert.throws(() => decodeTtyEvent(view, 16), RangeError);
  view.setUint32(TTY_EVENT_LAYOUT.kind, 9, true);
  assert.throws(() => decodeTtyEvent(view, 0), /unknown kind 9/);
  view.setUint32(TTY_EVENT_LAYOUT.kind, EventKind.INPUT, true);
  view.setBigUint64(TTY_EVENT_LAYOUT.bytes, 3n, true);
  assert.equal(decodeTtyEvent(view, 0).bytes, 3);
  assert.equal(decodeTtyEvent(view, 0).comm, "");
});

Deno.test("abi: a JitterCommand encodes to its 16-byte C layout", () => {
  const bytes = encodeJitterCommand({
    lambdaScaled: 2500,
    mode: JitterMode.SIGSTOP,
    expiryNs: 1n << 40n,
  });
  const view = new DataView(bytes.buffer);
  assert.equal(bytes.length, JITTER_COMMAND_LAYOUT.size);
  assert.equal(view.getUint32(JITTER_COMMAND_LAYOUT.lambda_scaled, true), 2500);
  assert.equal(
    view.getUint32(JITTER_COMMAND_LAYOUT.mode, true),
    JitterMode.SIGSTOP,
  );
  assert.equal(
    view.getBigUint64(JITTER_COMMAND_LAYOUT.expiry_ns, true),
    1n << 40n,
  );
});
