//go:build !linux

package cages

// findHostTTY returns nil: off Linux the host terminal's settings are not
// reached (their flags are not Linux's), and a terminal keeps its own.
func findHostTTY(...any) hostTTY { return nil }
