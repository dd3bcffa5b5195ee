//go:build !linux

package cages_test

import "testing"

// The host twins of bench_fs_test.go's benchmarks are written against
// Linux (bench_fs_host_linux_test.go); elsewhere they are skipped.

func hostOpenClose(b *testing.B)           { b.Skip(hostSkip) }
func hostStat(b *testing.B)                { b.Skip(hostSkip) }
func hostFileIO4K(b *testing.B, _ bool)    { b.Skip(hostSkip) }
func hostCreateDelete(b *testing.B, _ int) { b.Skip(hostSkip) }
func hostListDir(b *testing.B, _ int)      { b.Skip(hostSkip) }
