//go:build !linux

package cages_test

import "testing"

// The host twins of bench_test.go's benchmarks are written against Linux
// (bench_host_linux_test.go); elsewhere they are skipped and `make bench`
// reports no ratio.

const hostSkip = "host twin needs Linux"

func hostGetpid(b *testing.B)                { b.Skip(hostSkip) }
func hostPipeThroughput(b *testing.B, _ int) { b.Skip(hostSkip) }
func hostPingPong(b *testing.B)              { b.Skip(hostSkip) }
func hostWrite64(b *testing.B)               { b.Skip(hostSkip) }
func hostForkExitWait(b *testing.B)          { b.Skip(hostSkip) }
func hostChain(b *testing.B, _ int)          { b.Skip(hostSkip) }
