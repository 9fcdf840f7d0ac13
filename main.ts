/**
 * ghost-hunter command line: picks the subcommand and hands over. Wiring
 * only; every command lives in src/cli/. With no subcommand, or options only
 * (`./ghost-hunter --dry-run`), it runs the live agent, `run`.
 *
 * @module
 */
import type { Command } from "./src/cli/command.ts";
import { EnvironmentError, UsageError } from "./src/errors.ts";
import { recordCommand } from "./src/cli/record_command.ts";
import { doctorCommand } from "./src/cli/doctor_command.ts";
import { releaseCommand } from "./src/cli/release_command.ts";
import { replayCommand } from "./src/cli/replay_command.ts";
import { profileCommand } from "./src/cli/profile_command.ts";
import { runCommand } from "./src/cli/run_command.ts";
import { topCommand } from "./src/cli/top_command.ts";
import { VERSION } from "./src/version.ts";

const COMMANDS: Command[] = [
  runCommand,
  recordCommand,
  replayCommand,
  doctorCommand,
  releaseCommand,
  topCommand,
  profileCommand,
];

/** The command run when none is named. */
const DEFAULT_COMMAND = "run";

/** Exit status of a writer whose reader went away: 128 + SIGPIPE, as a shell reports it. */
const BROKEN_PIPE_EXIT = 141;

function usage(): string {
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`);
  return `Usage: ghost-hunter [command] [options]

With no command, or options only, runs "${DEFAULT_COMMAND}", the live agent.

Commands:
${lines.join("\n")}

Options:
  -h, --help     show this help; "ghost-hunter help <command>" (or
                 "ghost-hunter <command> --help") for a command's
      --version  print the version

Examples:
  sudo ./ghost-hunter doctor
  sudo ./ghost-hunter --dry-run
  ./ghost-hunter record --help`;
}

/** The command called `name`; a usage error naming it when there is none. */
function commandNamed(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    throw new UsageError(`Unknown command "${name}": run "ghost-hunter --help" for the list`);
  }
  return command;
}

function help(args: string[]): number {
  const [topic, extra] = args;
  if (extra !== undefined) {
    throw new UsageError(`Unexpected argument "${extra}": write "ghost-hunter help [COMMAND]"`);
  }
  if (topic === undefined) {
    console.log(usage());
    return 0;
  }
  console.log(commandNamed(topic).help);
  return 0;
}

async function main(args: string[]): Promise<number> {
  const [first, ...afterFirst] = args;
  if (first === "--help" || first === "-h") {
    console.log(usage());
    return 0;
  }
  // `help [COMMAND]`, as git and cargo take it.
  if (first === "help") return help(afterFirst);
  if (first === "--version") {
    console.log(`ghost-hunter ${VERSION}`);
    return 0;
  }
  const named = first !== undefined && !first.startsWith("-");
  const name = named ? first : DEFAULT_COMMAND;
  const rest = named ? afterFirst : args;
  const command = commandNamed(name);
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(command.help);
    return 0;
  }
  return await command.run(rest);
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`ghost-hunter: ${error.message}`);
      Deno.exit(2);
    }
    if (error instanceof EnvironmentError) {
      console.error(`ghost-hunter: ${error.message}`);
      Deno.exit(1);
    }
    // The reader closed its end (`replay … | head`): stop quietly, as a
    // pipe writer killed by SIGPIPE would (Deno ignores the signal itself).
    if (error instanceof Deno.errors.BrokenPipe) Deno.exit(BROKEN_PIPE_EXIT);
    throw error;
  }
}
