# gocage's everyday commands. `make test` is what CI runs (.ci/run).

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCHSTAT   := golang.org/x/perf/cmd/benchstat@latest

.PHONY: all test lint race cross bench bench-raw wasm-toolchain

all: test

# test: everything CI checks — formatting, vet, staticcheck, the race-enabled
# test suite, and the kernel building for darwin and windows.
test: lint race cross

lint:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	go run $(STATICCHECK) ./...

race:
	go test -race -count=1 -timeout 30m ./...

cross:
	GOOS=darwin GOARCH=arm64 go build ./...
	GOOS=windows GOARCH=amd64 go build ./...
	GOOS=darwin GOARCH=arm64 go vet ./posix ./fdtable ./pipes ./threei ./vfs ./cages
	GOOS=windows GOARCH=amd64 go vet ./posix ./fdtable ./pipes ./threei ./vfs ./cages

# bench: every benchmark beside its host-kernel twin, in the same run, then
# the ratios (see BENCHMARKS.md).
bench:
	go run ./internal/benchreport -count 6

# wasm-toolchain: the Debian packages `gocage cc` and the WASM tests need
# (clang for wasm32, wasm-ld, llvm-ar, compiler-rt, wasi-libc, wasm-opt;
# tcl, which sqlite's own build needs to make its amalgamation),
# then gocage's C library, built once into the user's cache directory.
WASM_PACKAGES := clang-19 lld-19 llvm-19 libclang-rt-19-dev-wasm32 wasi-libc binaryen tcl
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

wasm-toolchain:
	@if command -v clang-19 >/dev/null && command -v wasm-ld-19 >/dev/null && command -v llvm-ar-19 >/dev/null && command -v wasm-opt >/dev/null && command -v tclsh >/dev/null && [ -f /usr/lib/wasm32-wasi/libc.a ]; then \
		echo "wasm toolchain: installed"; \
	else \
		$(SUDO) apt-get update -q && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(WASM_PACKAGES); \
	fi
	go run ./cmd/gocage cc --version
