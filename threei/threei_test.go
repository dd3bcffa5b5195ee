package threei_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

type caller int

func (c caller) CageID() int { return int(c) }

func TestTable_Dispatch_RoutesToHandler(t *testing.T) {
	tbl := threei.NewTable(map[int]threei.Handler{
		posix.SYS_GETPID: func(c *threei.Call) (int64, posix.Errno) { return int64(c.Caller.CageID()), 0 },
	})
	got, err := tbl.Dispatch(&threei.Call{Num: posix.SYS_GETPID, Caller: caller(42)})
	require.Equal(t, posix.Errno(0), err)
	require.Equal(t, int64(42), got)
}

func TestTable_Dispatch_UnknownNumber_ENOSYS(t *testing.T) {
	tbl := threei.NewTable(nil)
	for _, num := range []int{-1, posix.SYS_READ, posix.SyscallMax, 1 << 30} {
		r, err := tbl.Dispatch(&threei.Call{Num: num, Caller: caller(1)})
		require.Equal(t, posix.ENOSYS, err, "Dispatch(%d)", num)
		require.Equal(t, int64(-1), r)
	}
}

func TestTable_With_CopiesAndLeavesOriginal(t *testing.T) {
	base := threei.NewTable(map[int]threei.Handler{
		posix.SYS_GETPID: func(*threei.Call) (int64, posix.Errno) { return 1, 0 },
	})
	over := base.With(posix.SYS_GETPID, func(*threei.Call) (int64, posix.Errno) { return 2, 0 })
	r, _ := base.Dispatch(&threei.Call{Num: posix.SYS_GETPID})
	require.Equal(t, int64(1), r, "the original table must not change")
	r, _ = over.Dispatch(&threei.Call{Num: posix.SYS_GETPID})
	require.Equal(t, int64(2), r)
	removed := over.With(posix.SYS_GETPID, nil)
	_, err := removed.Dispatch(&threei.Call{Num: posix.SYS_GETPID})
	require.Equal(t, posix.ENOSYS, err)
	require.Nil(t, base.With(-5, nil).Handler(-5))
}

func TestSignature_ParsesKinds(t *testing.T) {
	got := threei.Signature("fd:fd buf:outbuf count:size")
	require.Equal(t, []threei.ArgSpec{{"fd", threei.KindFd}, {"buf", threei.KindOutBuf}, {"count", threei.KindSize}}, got)
	require.True(t, threei.KindOutBuf.Memory())
	require.False(t, threei.KindFd.Memory())
	require.Equal(t, "outbuf", threei.KindOutBuf.String())
	require.Equal(t, "unknown", threei.Kind(200).String())
}

func TestSignature_UnknownKind_Panics(t *testing.T) {
	require.Panics(t, func() { threei.Signature("fd:fdd") })
	require.Panics(t, func() { threei.Signature("fd") })
}

func TestArg_Int32_SignExtendsLow32Bits(t *testing.T) {
	a := threei.Arg{Val: 0xffffffff_ffffff9c} // AT_FDCWD as a long
	require.Equal(t, -100, a.Int32())
	a = threei.Arg{Val: 0x1_00000005} // garbage in the high half, as Linux ignores for an int
	require.Equal(t, 5, a.Int32())
	require.Equal(t, "partial", threei.Partial.String())
}
