#!/usr/bin/env bash
# cprograms.sh OUTDIR [NAME...]: fetches the Debian source packages of
# real C programs with apt-get source (from a private source list: the
# system's apt configuration is not touched; nothing is committed) and
# builds each twice from the same sources, unedited: with gocage cc
# (OUTDIR/NAME.wasm) and with the host's cc (OUTDIR/NAME.native), for the
# tests and benchmarks that compare them. NAMEs: bzip2 lua dash sqlite3
# (all by default). Only the flags a porter to a new platform would pass
# are used, listed below. A program already built is not built again.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/build/cprograms}"
shift || true
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(bzip2 lua dash sqlite3)
mkdir -p "$out"
out="$(cd "$out" && pwd)"
src="$out/src"
mkdir -p "$src/lists/partial" "$src/cache/archives/partial"
echo "deb-src http://deb.debian.org/debian bookworm main" > "$src/src.list"
apt=(-o "Dir::Etc::SourceList=$src/src.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$src/lists" -o "Dir::Cache=$src/cache" -o Debug::NoLocking=1 -q)
updated=
fetch() { # fetch PACKAGE: the orig tarball's path
	if ! ls "$src/$1"_*.orig.tar.* >/dev/null 2>&1; then
		[ -n "$updated" ] || (cd "$src" && apt-get "${apt[@]}" update >/dev/null)
		updated=1
		(cd "$src" && apt-get "${apt[@]}" source --download-only "$1" >/dev/null 2>&1)
	fi
	ls "$src/$1"_*.orig.tar.* | grep -v -- '-www' | head -n 1
}
unpack() { # unpack PACKAGE DIR: a fresh copy of the sources in DIR
	rm -rf "$2"
	mkdir -p "$2"
	tar -xf "$(fetch "$1")" -C "$2" --strip-components=1
}
gocage="$out/gocage"
(cd "$root" && go build -o "$gocage" ./cmd/gocage)
hostcc="${CC:-cc}"
jobs="$(nproc 2>/dev/null || echo 2)"

build_bzip2() {
	local files=(blocksort.c huffman.c crctable.c randtable.c compress.c decompress.c bzlib.c bzip2.c)
	unpack bzip2 "$src/bzip2"
	# bzip2's Makefile passes -D_FILE_OFFSET_BITS=64.
	(cd "$src/bzip2" && "$gocage" cc -O2 -w -D_FILE_OFFSET_BITS=64 -o "$out/bzip2.wasm" "${files[@]}")
	(cd "$src/bzip2" && $hostcc -O2 -w -D_FILE_OFFSET_BITS=64 -o "$out/bzip2.native" "${files[@]}")
}

build_lua() {
	# Lua's own Makefile, target linux-noreadline (LUA_USE_LINUX); the
	# archiver is LLVM's for the WebAssembly objects, and wasm-ld takes
	# no -Wl,-E.
	unpack lua5.4 "$src/lua-wasm"
	make -s -C "$src/lua-wasm/src" linux-noreadline CC="$gocage cc" AR="llvm-ar-19 rcu" RANLIB=true SYSLIBS="-ldl" >/dev/null 2>&1
	cp "$src/lua-wasm/src/lua" "$out/lua.wasm"
	unpack lua5.4 "$src/lua-native"
	make -s -C "$src/lua-native/src" linux-noreadline CC="$hostcc" >/dev/null 2>&1
	cp "$src/lua-native/src/lua" "$out/lua.native"
}

build_dash() {
	# dash's own configure, as a cross build for a wasm32 Linux host.
	unpack dash "$src/dash-wasm"
	(cd "$src/dash-wasm" && ./configure -q --host=wasm32-unknown-linux CC="$gocage cc" CC_FOR_BUILD="$hostcc" >/dev/null && make -s -j"$jobs" >/dev/null 2>&1)
	cp "$src/dash-wasm/src/dash" "$out/dash.wasm"
	unpack dash "$src/dash-native"
	(cd "$src/dash-native" && ./configure -q CC="$hostcc" >/dev/null && make -s -j"$jobs" >/dev/null 2>&1)
	cp "$src/dash-native/src/dash" "$out/dash.native"
}

build_sqlite3() {
	# Debian's source has no amalgamation: sqlite's own build makes it
	# (natively: it needs tclsh), then the shell is built from it.
	unpack sqlite3 "$src/sqlite3"
	(cd "$src/sqlite3" && ./configure -q >/dev/null && make -s sqlite3.c shell.c >/dev/null 2>&1)
	(cd "$src/sqlite3" && "$gocage" cc -O2 -w -o "$out/sqlite3.wasm" shell.c sqlite3.c)
	(cd "$src/sqlite3" && $hostcc -O2 -w -o "$out/sqlite3.native" shell.c sqlite3.c -lpthread -ldl -lm)
}

for name in "${names[@]}"; do
	if [ -f "$out/$name.wasm" ] && [ -f "$out/$name.native" ]; then
		continue
	fi
	"build_$name"
	echo "built $out/$name.wasm and $out/$name.native"
done
