package wasm_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/wasm"
)

// TestCompileCache_OnDisk: a module compiled by one runtime is found in
// the cache directory by the next (another gocage process), which starts
// it without compiling.
func TestCompileCache_OnDisk(t *testing.T) {
	bin := compile(t, "hello")
	dir := t.TempDir()
	runOnce := func() time.Duration {
		ctx := context.Background()
		r, err := wasm.New(ctx, wasm.Options{CacheDir: dir})
		require.NoError(t, err)
		defer r.Close(ctx)
		k := cages.New(cages.Config{Wasm: r.Program})
		require.NoError(t, k.FS().WriteFile("/bin/hello", bin, 0o755))
		start := time.Now()
		st, err := k.Run(ctx, cages.Spec{Path: "/bin/hello"})
		require.NoError(t, err)
		require.Equal(t, posix.Exited(0), st)
		return time.Since(start)
	}
	runOnce()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.NotEmpty(t, entries, "the compiled module is in the cache directory")
	runOnce() // from the cache; its speed is in BenchmarkWasmStart
}
