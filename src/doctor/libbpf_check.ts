/**
 * Doctor check: libbpf 1.0 or later is installed where the agent opens it
 * (`$GHOST_HUNTER_LIBBPF`, else `libbpf.so.1` in the usual library
 * directories). The version is read from the name the symlink resolves to,
 * e.g. libbpf.so.1.1.2.
 *
 * @module
 */
import type { DoctorCheck } from "./doctor_check.ts";

/** The environment variable that overrides where libbpf is opened from. */
export const LIBBPF_ENV = "GHOST_HUNTER_LIBBPF";

const SONAME = "libbpf.so.1";
const MINIMUM_MAJOR = 1;
const FIX =
  `Install libbpf 1.0 or later (Debian: apt-get install libbpf1), or set ${LIBBPF_ENV} to its path`;

/** Directories searched for libbpf.so.1, most specific first. */
export function libraryDirectories(arch: string = Deno.build.arch): string[] {
  const multiarch = `${arch}-linux-gnu`;
  return [
    "/usr/local/lib",
    `/usr/lib/${multiarch}`,
    `/lib/${multiarch}`,
    "/usr/lib64",
    "/lib64",
    "/usr/lib",
    "/lib",
  ];
}

/** [major, minor, patch] from a libbpf file name such as "libbpf.so.1.1.2"; undefined if none. */
export function parseLibbpfVersion(fileName: string): [number, number, number] | undefined {
  const match = /libbpf\.so\.(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(fileName);
  if (match === null) return undefined;
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

async function realPathOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await Deno.realPath(path);
  } catch {
    return undefined;
  }
}

/** Passes when libbpf ≥ 1.0 is found. */
export const libbpfCheck: DoctorCheck = {
  name: "libbpf",
  async run() {
    const override = Deno.env.get(LIBBPF_ENV);
    const candidates = override
      ? [override]
      : libraryDirectories().map((dir) => `${dir}/${SONAME}`);
    for (const candidate of candidates) {
      const real = await realPathOrUndefined(candidate);
      if (real === undefined) continue;
      const version = parseLibbpfVersion(real.slice(real.lastIndexOf("/") + 1));
      if (version === undefined) {
        return {
          ok: false,
          detail: `${candidate} -> ${real}: no version in the file name`,
          fix: FIX,
        };
      }
      const shown = version.join(".");
      return version[0] >= MINIMUM_MAJOR
        ? { ok: true, detail: `${shown} at ${real}` }
        : { ok: false, detail: `${shown} at ${real} (need 1.0 or later)`, fix: FIX };
    }
    const where = override ? `${LIBBPF_ENV}=${override}` : libraryDirectories().join(", ");
    return { ok: false, detail: `${SONAME} not found in ${where}`, fix: FIX };
  },
};
