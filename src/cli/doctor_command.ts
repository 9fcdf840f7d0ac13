/**
 * `ghost-hunter doctor`: checks that this machine and this process can run
 * the agent, prints a pass/fail table with the fix for each failure, and
 * exits 0 only if every check passed.
 *
 * @module
 */
import type { Command } from "./command.ts";
import { UsageError } from "../errors.ts";
import { parseCommandArgs } from "./parse_command_args.ts";
import { formatDoctorTable, runDoctor } from "../doctor/run_doctor.ts";

const FORMATS = ["table", "json"] as const;
type Format = typeof FORMATS[number];

const HELP = `Usage: ghost-hunter doctor [--format table|json]

Checks what the live agent needs: kernel version (5.15 or later), kernel BTF,
capabilities (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN; CAP_KILL for the
sigstop actuator), the BPF file system (/sys/fs/bpf), libbpf (1.0 or later)
and whether the probe loads. Prints one row per check, then how to fix each
failure. Changes nothing.
Exit status: 0 if every check passed, 1 if one failed, 2 on a bad option.

Options:
      --format FORMAT  table or json (default table)
  -h, --help           show this help

Examples:
  sudo ./ghost-hunter doctor
  ./ghost-hunter doctor --format json | jq '.checks[] | select(.ok | not)'`;

function parseDoctorArgs(args: string[]): Format {
  const { values } = parseCommandArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: { format: { type: "string", default: "table" } },
  }, { command: "doctor", expects: () => "table or json" });
  const format = values.format;
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(
      `Option --format expects "table" or "json", got ${JSON.stringify(format)}`,
    );
  }
  return format as Format;
}

/** The `doctor` subcommand. */
export const doctorCommand: Command = {
  name: "doctor",
  summary: "check that this machine can run the agent, with a fix for each failure",
  help: HELP,
  async run(args) {
    const format = parseDoctorArgs(args);
    const report = await runDoctor();
    console.log(format === "json" ? JSON.stringify(report) : formatDoctorTable(report));
    return report.ok ? 0 : 1;
  },
};
