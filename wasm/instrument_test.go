package wasm

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// TestInstrument_PlainWASIModule: a module built for plain WASI gets
// gocage.syscall as its last imported function, its own functions move
// up one index, and every reference to them follows: the rewritten
// module validates, exports the same functions under the same names (and
// types), and says so (added).
func TestInstrument_PlainWASIModule(t *testing.T) {
	clang, err := exec.LookPath("clang-19")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI must have clang-19")
		}
		t.Skip("no clang-19")
	}
	// Function pointers (an element segment and call_indirect), a start
	// of its own, exported functions, loops.
	src := `
#include <stdio.h>
static int twice(int x) { return 2 * x; }
static int thrice(int x) { return 3 * x; }
int (*ops[])(int) = {twice, thrice};
__attribute__((export_name("apply"))) int apply(int i, int x) { return ops[i & 1](x); }
int main(int argc, char **argv) {
	int s = 0;
	for (int i = 0; i < argc * 1000; i++) s += ops[i & 1](i);
	printf("%d\n", s);
	return 0;
}`
	dir := t.TempDir()
	c := filepath.Join(dir, "p.c")
	require.NoError(t, os.WriteFile(c, []byte(src), 0o644))
	out := filepath.Join(dir, "p.wasm")
	b, err := exec.Command(clang, "--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-g", "-o", out, c).CombinedOutput()
	require.NoError(t, err, "%s", b)
	bin, err := os.ReadFile(out)
	require.NoError(t, err)

	ib, added, err := instrument(bin)
	require.NoError(t, err)
	require.True(t, added)
	_, _, err = instrument(ib)
	require.ErrorIs(t, err, errNotInstrumentable, "instrumented twice")

	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	orig, err := r.CompileModule(ctx, bin)
	require.NoError(t, err)
	cm, err := r.CompileModule(ctx, ib)
	require.NoError(t, err, "the rewritten module validates")
	imps := cm.ImportedFunctions()
	require.Len(t, imps, len(orig.ImportedFunctions())+1)
	mod, name, _ := imps[len(imps)-1].Import()
	require.Equal(t, "gocage.syscall", mod+"."+name)
	for name, f := range orig.ExportedFunctions() {
		g := cm.ExportedFunctions()[name]
		require.NotNil(t, g, name)
		require.Equal(t, f.ParamTypes(), g.ParamTypes(), name)
		require.Equal(t, f.ResultTypes(), g.ResultTypes(), name)
		require.Equal(t, f.Name(), g.Name(), "the name section follows the renumbering")
	}

	// Both run alike; the rewritten one calls the check every
	// checkEvery loop iterations (the loop runs 1,000,000 times; clang may unroll it).
	calls := 0
	_, err = r.NewHostModuleBuilder("gocage").NewFunctionBuilder().
		WithFunc(func(n int32, a, b, c, d, e, f int64) int64 {
			require.Equal(t, int32(checkpointCall), n)
			calls++
			return 0
		}).Export("syscall").Instantiate(ctx)
	require.NoError(t, err)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	args := make([]string, 1000)
	var outs [2]bytes.Buffer
	for i, m := range []wazero.CompiledModule{orig, cm} {
		mod, err := r.InstantiateModule(ctx, m, wazero.NewModuleConfig().WithName("").WithArgs(args...).WithStdout(&outs[i]))
		require.NoError(t, err)
		require.Equal(t, i == 1, mod.ExportedGlobal(flagExport) != nil)
	}
	require.Equal(t, outs[0].String(), outs[1].String())
	require.NotEmpty(t, outs[0].String())
	require.GreaterOrEqual(t, calls, 3, "1,000,000 iterations, one check every %d loop headers", checkEvery)

	// gocage's runtime runs it instrumented (not on the runtime that
	// calls Go at every loop iteration), and not as a gocage cc module.
	grt, err := New(ctx, Options{CacheDir: "-"})
	require.NoError(t, err)
	defer grt.Close(ctx)
	m, err := grt.compile(bin)
	require.NoError(t, err)
	require.True(t, m.instrumented)
	require.False(t, m.linux)
}
