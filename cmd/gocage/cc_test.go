package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/wasm/cc"
)

// needToolchain skips without the C toolchain, except in CI.
func needToolchain(t *testing.T) {
	t.Helper()
	if _, err := cc.Find(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must have the toolchain: %v", err)
		}
		t.Skip(err)
	}
}

func TestCC_ThenRunInAPipeline(t *testing.T) {
	needToolchain(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "upper.c")
	require.NoError(t, os.WriteFile(src, []byte(`#include <ctype.h>
#include <stdio.h>
int main(void) {
	int c, n = 0;
	while ((c = getchar()) != EOF) {
		putchar(toupper(c));
		n++;
	}
	fprintf(stderr, "%d bytes\n", n);
	return n == 0;
}
`), 0o644))
	code, out, errs := gocage(t, "", "cc", "-O2", "-o", filepath.Join(dir, "upper.wasm"), src)
	require.Equal(t, 0, code, errs)
	require.Empty(t, out)
	code, out, errs = gocage(t, "", "run", "--mount", dir+":/w:ro", "--", "sh", "-c", "seq 1 3 | /w/upper.wasm | tr 123 abc; echo x | /w/upper.wasm")
	require.Equal(t, 0, code, errs)
	require.Equal(t, "a\nb\nc\nX\n", out)
	require.Equal(t, "6 bytes\n2 bytes\n", errs)
}

func TestCC_CompileError_ClangStatus(t *testing.T) {
	needToolchain(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "bad.c")
	require.NoError(t, os.WriteFile(src, []byte("int main(void) { return nope; }\n"), 0o644))
	code, _, errs := gocage(t, "", "cc", "-o", filepath.Join(dir, "bad.wasm"), src)
	require.Equal(t, 1, code)
	require.Contains(t, errs, "nope")
}

func TestCC_MissingToolchain_SaysWhatToInstall(t *testing.T) {
	t.Setenv("GOCAGE_CLANG", "no-such-clang")
	code, _, errs := gocage(t, "", "cc", "-o", "x.wasm", "x.c")
	require.Equal(t, 127, code)
	require.Contains(t, errs, "install the Debian packages "+cc.Packages+" (make wasm-toolchain)")
}
