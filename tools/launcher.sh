#!/bin/sh
# ghost-hunter launcher, written by make where `deno compile` cannot get its
# runtime: the same command line, run by the pinned Deno from this checkout.
# --allow-all: FFI already grants the process everything, and Deno asks for
# all access before it lets a program read /sys and /proc.
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
exec "$here/@DENO@" run --quiet --no-prompt --allow-all "$here/main.ts" "$@"
