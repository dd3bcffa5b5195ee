//go:build !linux

package grates_test

import "testing"

// hostWrites needs Linux and strace.
func hostWrites(b *testing.B, strace bool) { b.Skip("the host twins need Linux") }
