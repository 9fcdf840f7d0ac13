import assert from "node:assert/strict";
import {
  CAPABILITIES_FIX,
  capabilitiesOutcome,
  parseEffectiveCapabilities,
} from "../../src/doctor/capabilities_check.ts";
import { parseKernelRelease } from "../../src/doctor/kernel_version_check.ts";
import { parseLibbpfVersion } from "../../src/doctor/libbpf_check.ts";
import { mountPointsOfType } from "../../src/actuation/mounts.ts";
import type { DoctorCheck } from "../../src/doctor/doctor_check.ts";
import { formatDoctorTable, runDoctor } from "../../src/doctor/run_doctor.ts";
import { REPO_ROOT, rootBlocker, skipOrFail } from "../support/gate.ts";

interface DoctorJson {
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string; fix?: string }[];
}

/** Runs `main.ts doctor --format json` from the repo root, after `prefix` (e.g. setpriv). */
async function doctorJson(
  prefix: string[],
): Promise<{ code: number; report: DoctorJson }> {
  const [command, ...args] = [
    ...prefix,
    Deno.execPath(),
    "run",
    "-A",
    "main.ts",
    "doctor",
    "--format",
    "json",
  ];
  const output = await new Deno.Command(command!, {
    args,
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  return { code: output.code, report: JSON.parse(new TextDecoder().decode(output.stdout)) };
}

const allPass = "doctor as root: every default check passes";
Deno.test({ name: allPass, ignore: skipOrFail(allPass, rootBlocker()) }, async () => {
  const { code, report } = await doctorJson([]);
  assert.deepEqual(report.checks.filter((c) => !c.ok), [], "no failed check");
  assert.equal(report.ok, true);
  assert.equal(code, 0);
});

const noCaps = "doctor without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN fails with the fix";
Deno.test({ name: noCaps, ignore: skipOrFail(noCaps, rootBlocker()) }, async () => {
  const dropped = "-bpf,-perfmon,-sys_admin";
  const { code, report } = await doctorJson([
    "setpriv",
    `--inh-caps=${dropped}`,
    `--ambient-caps=${dropped}`,
    `--bounding-set=${dropped}`,
    "--",
  ]);
  assert.equal(code, 1);
  assert.equal(report.ok, false);
  const capabilities = report.checks.find((c) => c.name === "capabilities");
  assert.equal(capabilities?.ok, false);
  assert.equal(capabilities?.fix, CAPABILITIES_FIX);
  assert.match(capabilities!.detail, /missing CAP_BPF CAP_PERFMON \(or CAP_SYS_ADMIN\)/);
});

Deno.test("the table shows PASS and FAIL rows, then each failure's fix", async () => {
  const checks: DoctorCheck[] = [
    { name: "fine", run: () => Promise.resolve({ ok: true, detail: "all good" }) },
    {
      name: "broken",
      run: () => Promise.resolve({ ok: false, detail: "missing thing", fix: "Install it." }),
    },
    { name: "crashing", run: () => Promise.reject(new Error("boom")) },
  ];
  const report = await runDoctor({ checks });
  assert.equal(report.ok, false);
  assert.equal(
    formatDoctorTable(report),
    [
      "CHECK     RESULT  DETAIL",
      "fine      PASS    all good",
      "broken    FAIL    missing thing",
      "crashing  FAIL    the check itself failed: boom",
      "",
      "How to fix:",
      "  broken: Install it.",
      "  crashing: Report this as a ghost-hunter bug, with the detail above",
      "",
      "ghost-hunter cannot run here: 2 of 3 checks failed.",
    ].join("\n"),
  );
  const passing = await runDoctor({ checks: checks.slice(0, 1) });
  assert.equal(passing.ok, true);
  assert.match(formatDoctorTable(passing), /every check passed\.$/);
});

Deno.test("capabilities: CAP_BPF with CAP_PERFMON, or CAP_SYS_ADMIN, is enough", () => {
  const bit = (n: number) => 1n << BigInt(n);
  assert.equal(capabilitiesOutcome(bit(39) | bit(38)).ok, true);
  assert.equal(capabilitiesOutcome(bit(21)).ok, true);
  const bpfOnly = capabilitiesOutcome(bit(39) | bit(5));
  assert.equal(bpfOnly.ok, false);
  assert.equal(
    bpfOnly.detail,
    "effective: CAP_KILL CAP_BPF; missing CAP_PERFMON (or CAP_SYS_ADMIN)",
  );
  assert.equal(bpfOnly.fix, CAPABILITIES_FIX);
  assert.match(capabilitiesOutcome(bit(21)).detail, /without CAP_KILL the sigstop actuator/);
});

Deno.test("capabilities are read from the CapEff line", () => {
  const status = "Name:\tdeno\nCapInh:\t0000000000000000\nCapEff:\t000001fffeffffff\n";
  assert.equal(parseEffectiveCapabilities(status), 0x1fffeffffffn);
  assert.equal(parseEffectiveCapabilities("Name:\tdeno\n"), undefined);
});

Deno.test("kernel releases and libbpf file names parse to versions", () => {
  assert.deepEqual(parseKernelRelease("6.18.44-fc-v669"), [6, 18, 44]);
  assert.deepEqual(parseKernelRelease("5.15"), [5, 15, 0]);
  assert.equal(parseKernelRelease("unknown"), undefined);
  assert.deepEqual(parseLibbpfVersion("libbpf.so.1.1.2"), [1, 1, 2]);
  assert.deepEqual(parseLibbpfVersion("libbpf.so.0.8.1"), [0, 8, 1]);
  assert.deepEqual(parseLibbpfVersion("libbpf.so.1"), [1, 0, 0]);
  assert.equal(parseLibbpfVersion("libbpf.so"), undefined);
});

Deno.test("mount points are found by type, octal escapes decoded", () => {
  const mounts = [
    "cgroup /sys/fs/cgroup/freezer cgroup rw,relatime,freezer 0 0",
    "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0",
    "cgroup2 /mnt/with\\040space cgroup2 rw 0 0",
    "",
  ].join("\n");
  assert.deepEqual(mountPointsOfType(mounts, "cgroup2"), [
    "/sys/fs/cgroup/unified",
    "/mnt/with space",
  ]);
  assert.deepEqual(mountPointsOfType(mounts, "tracefs"), []);
});
