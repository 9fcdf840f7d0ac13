/**
 * Finds mounted file systems by type in /proc/mounts: the BPF file system
 * the actuator pins its map in, and the doctor's check of it.
 *
 * @module
 */

/** The mount points of file systems of `type` in the text of /proc/mounts, in order. */
export function mountPointsOfType(mounts: string, type: string): string[] {
  return mounts.split("\n").map((line) => line.split(" ")).filter((fields) =>
    fields[2] === type && fields[1] !== undefined
  )
    // /proc/mounts escapes space, tab, newline and backslash as octal.
    .map((fields) =>
      fields[1]!.replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8)))
    );
}

/** The mount points of `type` on this machine. */
export async function findMounts(type: string): Promise<string[]> {
  return mountPointsOfType(await Deno.readTextFile("/proc/mounts"), type);
}
