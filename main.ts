/**
 * ghost-hunter command line: parses the subcommand and hands over. Wiring
 * only; every command lives in src/cli/.
 *
 * @module
 */
import {
  type Command,
  EnvironmentError,
  UsageError,
} from "./src/cli/command.ts";
import { recordCommand } from "./src/cli/record_command.ts";
import { replayCommand } from "./src/cli/replay_command.ts";

const COMMANDS: Command[] = [recordCommand, replayCommand];

function usage(): string {
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`);
  return `Usage: ghost-hunter <command> [options]\n\nCommands:\n${
    lines.join("\n")
  }\n`;
}

async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h") {
    console.log(usage());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    throw new UsageError(
      `Unknown command "${name}": run "ghost-hunter --help" for the list.`,
    );
  }
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
    throw error;
  }
}
