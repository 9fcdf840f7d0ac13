/**
 * A real OpenSSH server on loopback for end-to-end tests: its own host key,
 * its own config, key authentication only, a throwaway user this harness
 * creates and removes, a random free port on 127.0.0.1, and `sshd -D` run as
 * a child that is killed on close. Logins go through the real `ssh -tt`
 * client, so sshd writes each input into the session's pty master exactly as
 * on a server.
 *
 * @module
 */
import { MonotonicClock } from "../../src/kernel/monotonic_clock.ts";
import { runToEnd } from "./run_to_end.ts";
import { freeLoopbackPort } from "./loopback_port.ts";

const SSHD_PATH = "/usr/sbin/sshd";
// Debian's sshd refuses to start without its privilege separation directory.
const PRIVSEP_DIR = "/run/sshd";
/** What a test needs on this machine to start this sshd and log in (for `buildBlocker`). */
export const SSH_TOOLS = { tools: ["ssh", "ssh-keygen", "sshd", "useradd", "userdel"] };
/** The prompt of the test user's login shell. */
export const SSH_PROMPT = "gh$ ";
/** Printed by the login shell before its first prompt: the session's terminal. */
const TTY_MARKER = "GH_TTY=";

async function mustRun(command: string, args: string[]): Promise<string> {
  const result = await runToEnd(command, args);
  if (result.code !== 0) {
    throw new Error(`Cannot run ${command} ${args.join(" ")}: ${result.stderr.trim()}`);
  }
  return result.stdout;
}

/** Whether a socket listens on 127.0.0.1:`port` (read from /proc, so sshd sees no probe connection). */
function listening(port: number): boolean {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return Deno.readTextFileSync("/proc/net/tcp").split("\n").some((line) => {
    const fields = line.trim().split(/\s+/);
    return fields[1] === local && fields[3] === "0A";
  });
}

async function waitForListener(port: number, sshd: Deno.ChildProcess): Promise<void> {
  let exited = false;
  sshd.status.then(() => exited = true);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !exited) {
    if (listening(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Cannot start sshd: nothing listens on 127.0.0.1:${port}`);
}

/** A running test sshd and its user. Close it to stop sshd and remove the user; closing twice is harmless. */
export class TestSshd {
  readonly port: number;
  readonly user: string;
  #dir: string;
  #sshd: Deno.ChildProcess;
  #madePrivsepDir: boolean;
  #logins = new Set<SshLogin>();
  #closed = false;

  private constructor(
    port: number,
    user: string,
    dir: string,
    sshd: Deno.ChildProcess,
    madePrivsepDir: boolean,
  ) {
    this.port = port;
    this.user = user;
    this.#dir = dir;
    this.#sshd = sshd;
    this.#madePrivsepDir = madePrivsepDir;
  }

  /** Creates the user and keys, starts sshd on 127.0.0.1 and waits until it accepts connections. */
  static async start(): Promise<TestSshd> {
    const dir = await Deno.makeTempDir({ prefix: "gh-sshd-" });
    const user = `ghtest${Deno.pid}${Math.floor(Math.random() * 1e4)}`;
    let madePrivsepDir = false;
    let userMade = false;
    try {
      try {
        Deno.statSync(PRIVSEP_DIR);
      } catch {
        Deno.mkdirSync(PRIVSEP_DIR, { mode: 0o755 });
        madePrivsepDir = true;
      }
      await mustRun("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", `${dir}/host_key`]);
      await mustRun("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", `${dir}/client_key`]);
      // "*": no password can log in, yet the account is not "locked" for sshd.
      await mustRun("useradd", ["--create-home", "--shell", "/bin/bash", "-p", "*", user]);
      userMade = true;
      const home = `/home/${user}`;
      Deno.mkdirSync(`${home}/.ssh`, { mode: 0o700 });
      Deno.copyFileSync(`${dir}/client_key.pub`, `${home}/.ssh/authorized_keys`);
      // A login shell with a fixed prompt that first prints its terminal.
      Deno.writeTextFileSync(
        `${home}/.bash_profile`,
        `unset PROMPT_COMMAND\nPS1='${SSH_PROMPT}'\nexport HISTFILE=/dev/null\necho "${TTY_MARKER}$(tty)"\n`,
      );
      await mustRun("chown", ["-R", `${user}:${user}`, home]);
      const port = freeLoopbackPort();
      Deno.writeTextFileSync(
        `${dir}/sshd_config`,
        [
          `Port ${port}`,
          "ListenAddress 127.0.0.1",
          `HostKey ${dir}/host_key`,
          "PidFile none",
          "AuthorizedKeysFile .ssh/authorized_keys",
          "PubkeyAuthentication yes",
          "PasswordAuthentication no",
          "KbdInteractiveAuthentication no",
          "UsePAM no",
          `AllowUsers ${user}`,
          "PermitRootLogin no",
          "PrintMotd no",
          "PrintLastLog no",
          "X11Forwarding no",
          "AllowTcpForwarding no",
          "AllowAgentForwarding no",
          "LogLevel ERROR",
          "",
        ].join("\n"),
      );
      const sshd = new Deno.Command(SSHD_PATH, {
        args: ["-D", "-e", "-f", `${dir}/sshd_config`],
        stdin: "null",
        stdout: "null",
        stderr: "inherit",
      }).spawn();
      const server = new TestSshd(port, user, dir, sshd, madePrivsepDir);
      try {
        await waitForListener(port, sshd);
      } catch (error) {
        await server.close();
        throw error;
      }
      return server;
    } catch (error) {
      if (userMade) await runToEnd("userdel", ["--remove", "--force", user]);
      if (madePrivsepDir) Deno.removeSync(PRIVSEP_DIR);
      Deno.removeSync(dir, { recursive: true });
      throw error;
    }
  }

  /**
   * The `ssh -tt` command line that logs in as the test user: whoever runs
   * it gets a real pty on the server, its login shell printing its terminal
   * and then the prompt {@link SSH_PROMPT}.
   */
  clientCommand(): string[] {
    return [
      "ssh",
      "-tt",
      "-F",
      "/dev/null",
      "-i",
      `${this.#dir}/client_key`,
      "-p",
      String(this.port),
      "-o",
      "BatchMode=yes",
      "-o",
      "StrictHostKeyChecking=no",
      "-o",
      "UserKnownHostsFile=/dev/null",
      "-o",
      "LogLevel=ERROR",
      `${this.user}@127.0.0.1`,
    ];
  }

  /**
   * Logs in with `ssh -tt` (stdin and stdout are pipes this test owns, the
   * remote side a real pty) and waits for the first prompt.
   */
  async login(): Promise<SshLogin> {
    if (this.#closed) throw new Error("Cannot log in: the test sshd is closed");
    const [ssh, ...args] = this.clientCommand();
    const process = new Deno.Command(ssh!, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const login = new SshLogin(process);
    this.#logins.add(login);
    try {
      await login.waitForOutput(SSH_PROMPT, 20_000);
    } catch (error) {
      await login.close();
      throw error;
    }
    return login;
  }

  /** Ends every login, kills sshd, removes the user, its home and the keys. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const login of this.#logins) await login.close();
    try {
      this.#sshd.kill("SIGTERM");
    } catch {
      // already exited
    }
    await this.#sshd.status;
    // sshd's per-connection children outlive the listener; none may stay.
    const left = await runToEnd("ps", ["-o", "pid=", "-u", this.user]);
    for (const pid of left.stdout.split("\n").map((line) => line.trim()).filter(Boolean)) {
      try {
        Deno.kill(Number(pid), "SIGKILL");
      } catch {
        // exited meanwhile
      }
    }
    await runToEnd("userdel", ["--remove", "--force", this.user]);
    if (this.#madePrivsepDir) Deno.removeSync(PRIVSEP_DIR);
    Deno.removeSync(this.#dir, { recursive: true });
  }

  /** Same as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** One `ssh -tt` login: write into its stdin, read what the remote pty printed. */
export class SshLogin {
  readonly process: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #clock = new MonotonicClock();
  #output = "";
  #arrivals: { end: number; t: number }[] = [];
  #draining: Promise<void>;
  // Checked as each chunk of output arrives, so a waiting bot reacts within
  // microseconds of the prompt instead of at the next timer tick.
  #waiters = new Set<() => void>();
  #ended = false;
  #closed = false;

  constructor(process: Deno.ChildProcess) {
    this.process = process;
    this.#writer = process.stdin.getWriter();
    this.#draining = this.#drain();
    process.stderr.cancel();
  }

  /** Everything the remote pty has printed so far. */
  get output(): string {
    return this.#output;
  }

  /** The session name the probe reports for the remote pty, e.g. `pts/7`. */
  get sessionName(): string {
    const match = this.#output.match(new RegExp(`${TTY_MARKER}/dev/(pts/\\d+)`));
    if (match === null) throw new Error(`No terminal name in the login's output: ${this.#output}`);
    return match[1]!;
  }

  /** Sends `text` to the session; resolves to the CLOCK_MONOTONIC ms taken just before the write. */
  async type(text: string | Uint8Array): Promise<number> {
    const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
    const t = this.#clock.nowMs();
    await this.#writer.write(bytes);
    return t;
  }

  /** Resolves once the output contains `marker`; rejects after `timeoutMs`. */
  async waitForOutput(marker: string, timeoutMs = 5000): Promise<void> {
    await this.#waitFor(() => this.#output.includes(marker), `"${marker}"`, timeoutMs);
  }

  /** Resolves once `marker` appears `count` times in the output; rejects after `timeoutMs`. */
  async waitForOccurrences(marker: string, count: number, timeoutMs = 5000): Promise<void> {
    await this.#waitFor(
      () => this.#output.split(marker).length - 1 >= count,
      `${count} × "${marker}"`,
      timeoutMs,
    );
  }

  /** Resolves to the CLOCK_MONOTONIC ms at which the output first grew past `length` characters. */
  async waitForOutputPast(length: number, timeoutMs = 5000): Promise<number> {
    let arrival: { t: number } | undefined;
    await this.#waitFor(
      () => (arrival = this.#arrivals.find((a) => a.end > length)) !== undefined,
      `output past ${length} characters`,
      timeoutMs,
    );
    return arrival!.t;
  }

  #waitFor(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (done()) {
          finish();
          resolve();
        } else if (this.#ended) {
          finish();
          reject(new Error(`ssh ended before ${what}; saw ${this.#tail()}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`Timed out waiting for ${what} from ssh; saw ${this.#tail()}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
    });
  }

  #tail(): string {
    return JSON.stringify(this.#output.slice(-500));
  }

  async #drain(): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of this.process.stdout) {
      this.#output += decoder.decode(chunk, { stream: true });
      this.#arrivals.push({ end: this.#output.length, t: this.#clock.nowMs() });
      for (const check of [...this.#waiters]) check();
    }
    this.#ended = true;
    for (const check of [...this.#waiters]) check();
  }

  /**
   * Ends the login: `exit` to its shell, then waits up to 5 s for ssh to
   * return before killing it. Resolves to ssh's exit status. Idempotent.
   */
  async close(): Promise<Deno.CommandStatus> {
    if (!this.#closed) {
      this.#closed = true;
      try {
        await this.#writer.write(new TextEncoder().encode("exit\r"));
        await this.#writer.close();
      } catch {
        // ssh already gone
      }
      const timer = setTimeout(() => {
        try {
          this.process.kill("SIGKILL");
        } catch {
          // exited meanwhile
        }
      }, 5000);
      await this.process.status;
      clearTimeout(timer);
      await this.#draining;
      this.#clock.close();
    }
    return await this.process.status;
  }

  /** Same as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
