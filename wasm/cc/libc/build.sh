#!/usr/bin/env bash
# build.sh MUSL_TARBALL OUTDIR: builds gocage's C library for wasm32 —
# musl's sources with gocage's port (arch/wasm32, the src/*/wasm32 and
# crt/wasm32 files beside this script) — and installs its headers,
# libc.a (with the empty libm.a, libpthread.a... that -lm and the like
# expect) and crt1.o into OUTDIR/include and OUTDIR/lib. CLANG, AR and
# JOBS may be set; `gocage cc` runs this once per port version.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tarball="$1"
out="$2"
CLANG="${CLANG:-clang-19}"
AR="${AR:-llvm-ar-19}"
JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$out/build"
rm -rf "$work"
mkdir -p "$work"
tar -xf "$tarball" -C "$work"
src="$(find "$work" -maxdepth 1 -type d -name 'musl-*' | head -n 1)"
cd "$src"
# The wasm32 arch: x32's types and structures (ILP32, 64-bit time_t and
# off_t, x86-64's kernel layouts), x86-64's system-call numbers, generic
# fenv and io, and gocage's own files over them.
cp -r arch/x32 arch/wasm32
rm -f arch/wasm32/bits/io.h arch/wasm32/bits/fenv.h arch/wasm32/bits/syscall.h.in
cp arch/x86_64/bits/syscall.h.in arch/wasm32/bits/syscall.h.in
# clang's wasm32 ABI makes size_t unsigned long (ILP32, long is 32 bits).
sed -i 's/#define _Addr int/#define _Addr long/' arch/wasm32/bits/alltypes.h.in
cp -r "$here/arch/wasm32/." arch/wasm32/
cp -r "$here/src/." src/
# One line of musl is patched rather than replaced: printf's %p prints as
# glibc's does, "(nil)" for a null pointer and no zero padding.
sed -i 's/^\t\t\tp = MAX(p, 2\*sizeof(void\*));$/\t\t\tif (!arg.i) { a = "(nil)"; z = a+5; p = 5; fl \&= ~ZERO_PAD; break; }/' src/stdio/vfprintf.c
grep -q '"(nil)"' src/stdio/vfprintf.c
# sysconf's _SC_MINSIGSTKSZ and _SC_SIGSTKSZ, which glibc and later musl
# have: musl's MINSIGSTKSZ and SIGSTKSZ of x86-64, 2048 and 8192.
sed -i 's/^#define _SC_THREAD_ROBUST_PRIO_PROTECT\t248$/&\n#define _SC_MINSIGSTKSZ\t249\n#define _SC_SIGSTKSZ\t250/' include/unistd.h
grep -q '_SC_SIGSTKSZ' include/unistd.h
sed -i 's/^\t\t\[_SC_THREAD_ROBUST_PRIO_PROTECT\] = -1,$/&\n\t\t[_SC_MINSIGSTKSZ] = 2048,\n\t\t[_SC_SIGSTKSZ] = 8192,/' src/conf/sysconf.c
grep -q '_SC_SIGSTKSZ' src/conf/sysconf.c
# setlocale and newlocale refuse a locale name that is neither C, POSIX
# nor UTF-8, as glibc refuses a locale it does not have
# (src/locale/wasm32/utf8_codeset.c).
sed -i 's/^\tif (!new \&\& (new = malloc(sizeof \*new))) {$/\tif (!new \&\& !__gocage_utf8_codeset(val)) return LOC_MAP_FAILED;\n&/; s/^const struct __locale_map \*__get_locale(int cat, const char \*val)$/int __gocage_utf8_codeset(const char *);\n&/' src/locale/locale_map.c
grep -q 'return LOC_MAP_FAILED' src/locale/locale_map.c
# "C.UTF-8" names every category, as glibc's setlocale(LC_ALL, "C.UTF-8")
# returns "C.UTF-8" (musl gives only LC_CTYPE the name, the rest "C").
sed -i 's/^\t\tif (cat == LC_CTYPE \&\& val\[1\]==.\..)$/\t\tif (val[1]==\x27.\x27)/' src/locale/locale_map.c
grep -q "^		if (val\[1\]=='.')$" src/locale/locale_map.c
# renameat2 (src/stdio/wasm32/renameat2.c) is declared where glibc and
# later musl declare it.
sed -i 's/^char \*fgets_unlocked(char \*, int, FILE \*);$/&\n#define RENAME_NOREPLACE (1 << 0)\n#define RENAME_EXCHANGE (1 << 1)\n#define RENAME_WHITEOUT (1 << 2)\nint renameat2(int, const char *, int, const char *, unsigned);/' include/stdio.h
grep -q 'int renameat2' include/stdio.h
cp -r "$here/crt/." crt/
cat > config.mak <<MAK
ARCH = wasm32
prefix = $out
includedir = $out/include
libdir = $out/lib
CC = $CLANG --target=wasm32-unknown-unknown
AR = $AR
RANLIB = true
CFLAGS_AUTO = -O2 -pipe -w -fno-stack-protector -D__gocage__
LIBCC =
MAK
make -s -j"$JOBS" lib/libc.a lib/crt1.o lib/libm.a lib/librt.a lib/libpthread.a lib/libcrypt.a lib/libutil.a lib/libxnet.a lib/libresolv.a lib/libdl.a >/dev/null
make -s install-headers >/dev/null
mkdir -p "$out/lib"
cp lib/*.a lib/crt1.o "$out/lib/"
rm -rf "$work"
echo "built gocage's libc for wasm32 from $(basename "$tarball") in $out"
