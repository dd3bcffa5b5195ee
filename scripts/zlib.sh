#!/usr/bin/env bash
# zlib.sh OUTDIR: fetches zlib's Debian source package with apt-get source
# (from a private source list: the system's apt configuration is not
# touched, and nothing is committed), builds its minigzip for cages with
# gocage cc, unchanged but for -DZ_HAVE_UNISTD_H, and natively with cc for
# the benchmarks' comparison when a native cc exists, and for plain WASI
# with wasi-libc (what `wazero run` and other runtimes run). Writes
# OUTDIR/minigzip.wasm, OUTDIR/minigzip.plain.wasm,
# OUTDIR/minigzip.asyncify.wasm (linked with wasm/testdata/forkref.c,
# which makes gocage cc Asyncify it, to measure what that costs) and
# OUTDIR/minigzip.native; does nothing when the first three exist.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/build/zlib}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
if [ -f "$out/minigzip.wasm" ] && [ -f "$out/minigzip.plain.wasm" ] && [ -f "$out/minigzip.asyncify.wasm" ]; then
	exit 0
fi
work="$out/src"
rm -rf "$work"
mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
echo "deb-src http://deb.debian.org/debian bookworm main" > "$work/src.list"
apt=(-o "Dir::Etc::SourceList=$work/src.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o Debug::NoLocking=1)
(cd "$work" && apt-get "${apt[@]}" -q update >/dev/null && apt-get "${apt[@]}" -q source --download-only zlib >/dev/null)
tarball="$(ls "$work"/zlib_*.orig.tar.* | head -n 1)"
tar -xf "$tarball" -C "$work"
src="$(find "$work" -maxdepth 1 -type d -name 'zlib-*' | head -n 1)"
files=(adler32.c compress.c crc32.c deflate.c gzclose.c gzlib.c gzread.c gzwrite.c
	infback.c inffast.c inflate.c inftrees.c trees.c uncompr.c zutil.c test/minigzip.c)
(cd "$root" && go build -o "$out/gocage" ./cmd/gocage)
(cd "$src" && "$out/gocage" cc -O2 -w -DZ_HAVE_UNISTD_H -I. -o "$out/minigzip.wasm" "${files[@]}")
echo "built $out/minigzip.wasm from $(basename "$tarball")"
(cd "$src" && "$out/gocage" cc -O2 -w -DZ_HAVE_UNISTD_H -I. -o "$out/minigzip.asyncify.wasm" "${files[@]}" "$root/wasm/testdata/forkref.c")
(cd "$src" && clang-19 --target=wasm32-wasi --sysroot=/usr -O2 -w -DZ_HAVE_UNISTD_H -I. -o "$out/minigzip.plain.wasm" "${files[@]}")
echo "built $out/minigzip.plain.wasm (plain WASI, wasi-libc)"
# The native build is only the benchmarks' reference.
if command -v "${CC:-cc}" >/dev/null; then
	(cd "$src" && ${CC:-cc} -O2 -w -DZ_HAVE_UNISTD_H -I. -o "$out/minigzip.native" "${files[@]}")
	echo "built $out/minigzip.native"
fi
