#!/usr/bin/env bash
# cprograms.sh OUTDIR [NAME...]: fetches the Debian source packages of
# real C programs with apt-get source (from a private source list: the
# system's apt configuration is not touched; nothing is committed) and
# builds each twice from the same sources, unedited: with gocage cc
# (OUTDIR/NAME.wasm) and with the host's cc (OUTDIR/NAME.native), for the
# tests and benchmarks that compare them. NAMEs: bzip2 lua dash sqlite3
# (all by default). Only the flags a porter to a new platform would pass
# are used, listed below. A program already built is not built again.
#
# bzip2 and lua are also built a third time, "plain", from the same
# sources for plain WASI with wasi-libc (Debian's wasi-libc and
# libclang-rt-19-dev-wasm32: clang-19 --target=wasm32-wasi --sysroot=/usr),
# into OUTDIR/NAME.plain.wasm: the module that `wazero run` and other WASI
# runtimes run, for the benchmarks' comparison. Its flags are those a
# porter to WASI would pass, again listed below; it is skipped when
# wasi-libc is not installed.
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
wasicc=(clang-19 --target=wasm32-wasi --sysroot=/usr)
wasilibc=/usr/lib/wasm32-wasi/libc.a

build_bzip2() {
	local files=(blocksort.c huffman.c crctable.c randtable.c compress.c decompress.c bzlib.c bzip2.c)
	unpack bzip2 "$src/bzip2"
	# bzip2's Makefile passes -D_FILE_OFFSET_BITS=64.
	(cd "$src/bzip2" && "$gocage" cc -O2 -w -D_FILE_OFFSET_BITS=64 -o "$out/bzip2.wasm" "${files[@]}")
	(cd "$src/bzip2" && $hostcc -O2 -w -D_FILE_OFFSET_BITS=64 -o "$out/bzip2.native" "${files[@]}")
}

build_bzip2_plain() {
	# bzip2.c itself, not a driver of libbz2's: wasi-libc's signal.h and
	# sys/times.h want their emulations asked for (signal() is accepted,
	# never called back; times() reads the wall clock); fchmod and fchown,
	# which wasi-libc does not declare, are only used to copy a FILE's mode
	# and owner to FILE.bz2 and become no-ops (0, success). Nothing else.
	unpack bzip2 "$src/bzip2-plain"
	(cd "$src/bzip2-plain" && "${wasicc[@]}" -O2 -w -D_FILE_OFFSET_BITS=64 \
		-D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS \
		'-Dfchmod(fd,mode)=0' '-Dfchown(fd,uid,gid)=0' \
		-o "$out/bzip2.plain.wasm" blocksort.c huffman.c crctable.c randtable.c \
		compress.c decompress.c bzlib.c bzip2.c \
		-lwasi-emulated-signal -lwasi-emulated-process-clocks)
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

build_lua_plain() {
	# Lua's own Makefile, target generic (ISO C only: no popen, dlopen or
	# mkstemp, which WASI lacks). wasi-libc has no setjmp.h (setjmp needs
	# WebAssembly exceptions, which wazero does not implement), so Lua's
	# error handling is redefined through its own hooks in ldo.c: an error
	# (LUAI_THROW) aborts (a trap) instead of unwinding to the innermost
	# pcall, and LUAI_TRY runs its block directly; an empty setjmp.h
	# satisfies ldo.c's include. Code that raises no error (the
	# benchmarks' scripts) runs as it would; any error, even one caught by
	# pcall, ends the program. os.tmpname (ISO tmpnam: absent) always
	# fails, through loslib.c's lua_tmpnam hook. tmpfile and system are
	# declared but not defined by wasi-libc: the linker makes them traps
	# (--unresolved-symbols=ignore-all), so io.tmpfile and os.execute
	# trap. signal() (lua.c's Ctrl-C handler) and clock() (os.clock) are
	# wasi-libc's emulations.
	unpack lua5.4 "$src/lua-plain"
	mkdir -p "$src/lua-plain/wasi-include"
	: > "$src/lua-plain/wasi-include/setjmp.h"
	make -s -C "$src/lua-plain/src" generic CC="${wasicc[*]}" AR="llvm-ar-19 rcu" RANLIB=true \
		MYCFLAGS="-I../wasi-include -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS \
'-DLUAI_THROW(L,c)=abort()' '-DLUAI_TRY(L,c,a)={a}' -Dluai_jmpbuf=int \
'-Dlua_tmpnam(b,e)={e=1;}' -DLUA_TMPNAMBUFSIZE=32" \
		MYLIBS="-lwasi-emulated-signal -lwasi-emulated-process-clocks -Wl,--unresolved-symbols=ignore-all" >/dev/null 2>&1
	cp "$src/lua-plain/src/lua" "$out/lua.plain.wasm"
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
	if ! [ -f "$out/$name.wasm" ] || ! [ -f "$out/$name.native" ]; then
		"build_$name"
		echo "built $out/$name.wasm and $out/$name.native"
	fi
	case "$name" in bzip2 | lua) ;; *) continue ;; esac
	if [ -f "$out/$name.plain.wasm" ]; then
		continue
	fi
	if ! [ -f "$wasilibc" ]; then
		echo "no wasi-libc ($wasilibc): $name.plain.wasm not built" >&2
		continue
	fi
	"build_${name}_plain"
	echo "built $out/$name.plain.wasm"
done
