package cc_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/posix"
)

// strerrorTable is libc/src/errno/__strerror.h as posix.Errno says it:
// glibc's texts for Linux's errnos.
func strerrorTable() string {
	var b strings.Builder
	b.WriteString("/* Code generated from posix.Errno by wasm/cc's tests (TestStrerrorTable); DO NOT EDIT.\n * glibc's strerror texts, which Linux programs print, for musl's table. */\n")
	b.WriteString("E(0,               \"Success\")\n")
	for e := posix.Errno(1); e < 134; e++ {
		if e.Name() == "" {
			continue
		}
		fmt.Fprintf(&b, "E(%-15s %q)\n", e.Name()+",", e.Error())
	}
	return b.String()
}

// TestStrerrorTable: the C library's strerror texts are the kernel's,
// which are glibc's. GOCAGE_REGENERATE=1 rewrites the file.
func TestStrerrorTable(t *testing.T) {
	const path = "libc/src/errno/__strerror.h"
	want := strerrorTable()
	if os.Getenv("GOCAGE_REGENERATE") == "1" {
		require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, want, string(got), "run GOCAGE_REGENERATE=1 go test ./wasm/cc")
}
