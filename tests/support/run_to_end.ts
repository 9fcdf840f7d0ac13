/**
 * Runs a command to its end and hands back its exit code and output as
 * text, for tests of what a command prints.
 *
 * @module
 */

/** Exit code and decoded output of a finished command. */
export interface FinishedCommand {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command args…` with stdin closed; `options` as for Deno.Command. */
export async function runToEnd(
  command: string,
  args: string[],
  options: Omit<Deno.CommandOptions, "args" | "stdin" | "stdout" | "stderr"> = {},
): Promise<FinishedCommand> {
  const output = await new Deno.Command(command, { ...options, args, stdin: "null" }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}
