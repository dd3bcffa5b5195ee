//go:build !linux

package sh

import "testing"

// hostBenchDir has nothing to prepare where the host twin cannot run.
func hostBenchDir(*testing.B, map[string][]byte) string { return "" }

// hostScript skips: the host twin needs Linux's /bin/sh and coreutils.
func hostScript(string, string) func(b *testing.B) {
	return func(b *testing.B) { b.Skip("host twin needs Linux") }
}
