import assert from "node:assert/strict";
import { isNamedFile, openOwnFile, SymbolicLinkError } from "../../src/open_own_file.ts";
import { withTempDir } from "../support/temp_dir.ts";
import { symlink } from "../support/symlink.ts";

Deno.test("a new file is created 0600; an existing one is appended to, or emptied", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/out`;
    {
      using file = openOwnFile(path, { append: true });
      await file.write(new TextEncoder().encode("one\n"));
    }
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    {
      using file = openOwnFile(path, { append: true });
      await file.write(new TextEncoder().encode("two\n"));
    }
    assert.equal(await Deno.readTextFile(path), "one\ntwo\n");
    {
      using file = openOwnFile(path, { truncate: true });
      await file.write(new TextEncoder().encode("3\n"));
    }
    assert.equal(await Deno.readTextFile(path), "3\n");
  });
});

Deno.test("a symbolic link is refused: its target is neither created, emptied nor written", async () => {
  await withTempDir(async (dir) => {
    const target = `${dir}/target`;
    await Deno.writeTextFile(target, "kept\n");
    symlink(target, `${dir}/link`);
    symlink(`${dir}/absent`, `${dir}/dangling`);
    for (const options of [{ append: true }, { truncate: true }]) {
      assert.throws(() => openOwnFile(`${dir}/link`, options), SymbolicLinkError);
      assert.throws(() => openOwnFile(`${dir}/dangling`, options), SymbolicLinkError);
    }
    assert.equal(await Deno.readTextFile(target), "kept\n");
    await assert.rejects(() => Deno.lstat(`${dir}/absent`), Deno.errors.NotFound);
  });
});

Deno.test("a link in a folder on the way is followed, as a path's folders always are", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/real`);
    symlink(`${dir}/real`, `${dir}/via`);
    {
      using file = openOwnFile(`${dir}/via/out`, { append: true });
      await file.write(new TextEncoder().encode("x"));
    }
    assert.equal(await Deno.readTextFile(`${dir}/real/out`), "x");
  });
});

Deno.test("after the open, only the path's own file passes: not a link to it, another file, or nothing", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a`, "a");
    await Deno.writeTextFile(`${dir}/b`, "b");
    symlink(`${dir}/a`, `${dir}/link`);
    using file = await Deno.open(`${dir}/a`);
    const opened = await file.stat();
    assert.ok(isNamedFile(opened, await Deno.lstat(`${dir}/a`)));
    assert.ok(!isNamedFile(opened, await Deno.lstat(`${dir}/link`)), "a link to it");
    assert.ok(!isNamedFile(opened, await Deno.lstat(`${dir}/b`)), "another file");
    assert.ok(!isNamedFile(opened, undefined), "the path is gone");
  });
});

Deno.test("a link swapped in while the file was being opened is refused after the open", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/alerts`;
    await Deno.writeTextFile(`${dir}/target`, "kept\n");
    // Opening a FIFO for writing waits for a reader: meanwhile another process
    // moves the FIFO away, puts a link at its name, then reads the FIFO.
    const mkfifo = new Deno.Command("mkfifo", { args: [path] }).outputSync();
    assert.ok(mkfifo.success);
    const swapper = new Deno.Command("sh", {
      args: [
        "-c",
        'sleep 0.3 && mv "$1" "$1.moved" && ln -s "$2" "$1" && exec timeout 5 cat "$1.moved"',
        "sh",
        path,
        `${dir}/target`,
      ],
      stdout: "null",
    }).spawn();
    try {
      assert.throws(() => openOwnFile(path, { append: true }), SymbolicLinkError);
    } finally {
      await swapper.status;
    }
    assert.ok((await Deno.lstat(path)).isSymlink, "the swap happened");
    assert.equal(await Deno.readTextFile(`${dir}/target`), "kept\n");
  });
});
