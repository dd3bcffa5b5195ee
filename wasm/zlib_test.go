package wasm_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/programs"
	"github.com/gocage/gocage/programs/sh"
)

// TestMinigzip_RoundTrip10MB: zlib's minigzip, built from Debian's
// source package by gocage cc without source changes (scripts/zlib.sh),
// compresses and decompresses 10 MB in a pipeline of gocage's shell;
// the result is the input, byte for byte, and the compressed stream is
// one the native minigzip decompresses too.
func TestMinigzip_RoundTrip10MB(t *testing.T) {
	compile(t, "hello") // the toolchain, or skip (a failure in CI)
	if testing.Short() {
		t.Skip("fetches zlib's source (-short)")
	}
	dir, err := minigzipBuilt()
	require.NoError(t, err)
	in := gzipInput()
	k := cages.New(cages.Config{Wasm: rt.Program})
	require.NoError(t, programs.Install(k))
	require.NoError(t, k.Install("/bin/sh", sh.Main))
	bin, err := os.ReadFile(filepath.Join(dir, "minigzip.wasm"))
	require.NoError(t, err)
	require.NoError(t, k.FS().WriteFile("/bin/minigzip", bin, 0o755))
	require.NoError(t, k.FS().WriteFile("/tmp/in", in, 0o644))

	var stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := k.Run(ctx, cages.Spec{Path: "/bin/sh", Env: []string{"PATH=/bin"}, Stderr: &stderr,
		Args: []string{"sh", "-c", "minigzip < /tmp/in > /tmp/in.gz && minigzip -d < /tmp/in.gz > /tmp/out && minigzip < /tmp/in | minigzip -d | wc -c"}})
	require.NoError(t, err)
	require.Equal(t, posix.Exited(0), st, stderr.String())
	out, err := k.FS().ReadFile("/tmp/out")
	require.NoError(t, err)
	require.Equal(t, sha256.Sum256(in), sha256.Sum256(out), "the round trip changed the data")
	gz, err := k.FS().ReadFile("/tmp/in.gz")
	require.NoError(t, err)
	require.Less(t, len(gz), len(in)/2, "compressed")
	require.Equal(t, []byte{0x1f, 0x8b}, gz[:2], "a gzip stream")
}
