/**
 * Runs the doctor checks one after another and renders the report: a table
 * (check, PASS or FAIL, detail) followed by the fix for each failure, or the
 * same as JSON.
 *
 * @module
 */
import type { DoctorCheck } from "./doctor_check.ts";
import { kernelVersionCheck } from "./kernel_version_check.ts";
import { btfCheck } from "./btf_check.ts";
import { capabilitiesCheck } from "./capabilities_check.ts";
import { bpfFsCheck } from "./bpf_fs_check.ts";
import { libbpfCheck } from "./libbpf_check.ts";
import { probeCheck } from "./probe_check.ts";

/** The checks `ghost-hunter doctor` runs, in order. */
export const DEFAULT_CHECKS: readonly DoctorCheck[] = [
  kernelVersionCheck,
  btfCheck,
  capabilitiesCheck,
  bpfFsCheck,
  libbpfCheck,
  probeCheck,
];

/** One row of the report. */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** Every check's result; `ok` only if all passed. */
export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

/** Options of {@linkcode runDoctor}. */
export interface RunDoctorOptions {
  /** The checks to run; default {@linkcode DEFAULT_CHECKS}. */
  checks?: readonly DoctorCheck[];
}

/** Runs the checks in order; a check that throws counts as failed, with the error as detail. */
export async function runDoctor(options: RunDoctorOptions = {}): Promise<DoctorReport> {
  const checks: CheckResult[] = [];
  for (const check of options.checks ?? DEFAULT_CHECKS) {
    try {
      const outcome = await check.run();
      checks.push({ name: check.name, ...outcome });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      checks.push({
        name: check.name,
        ok: false,
        detail: `the check itself failed: ${reason}`,
        fix: "Report this as a ghost-hunter bug, with the detail above",
      });
    }
  }
  return { ok: checks.every((check) => check.ok), checks };
}

/** The report as a table, then the fixes, then a one-line verdict. */
export function formatDoctorTable(report: DoctorReport): string {
  const nameWidth = Math.max("CHECK".length, ...report.checks.map((c) => c.name.length));
  const row = (name: string, result: string, detail: string) =>
    `${name.padEnd(nameWidth)}  ${result.padEnd(6)}  ${detail}`;
  const lines = [
    row("CHECK", "RESULT", "DETAIL"),
    ...report.checks.map((c) => row(c.name, c.ok ? "PASS" : "FAIL", c.detail)),
  ];
  const failed = report.checks.filter((c) => !c.ok);
  if (failed.length > 0) {
    lines.push("", "How to fix:");
    for (const check of failed) {
      lines.push(`  ${check.name}: ${check.fix ?? "see the detail above"}`);
    }
    lines.push(
      "",
      `ghost-hunter cannot run here: ${failed.length} of ${report.checks.length} checks failed.`,
    );
  } else {
    lines.push("", "ghost-hunter can run here: every check passed.");
  }
  return lines.join("\n");
}
