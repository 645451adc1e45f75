//go:build !wasm

package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
)

// WasmFlags are the go build flags of app.wasm, in one place for the
// Makefile, the browser tests and the benchmark script.
//
// -s -w drop the symbol and debug sections the browser never reads.
//
// Each -gcflags=PKG=-l turns inlining off in a package whose speed the
// user cannot see. go-app links net/http, and through it crypto, mime
// and net/url, of which only package initialisation ever runs here; fmt,
// reflect, encoding (JSON), time, regexp, math/big, compress (the
// inflating of a shared link), log and html serve errors, start-up and
// go-app's setup; records builds the exports once per revision, when
// they are looked at; and go-app's own rendering time is the browser's
// DOM work, not its Go calls. Inlining copies a function's body into each
// caller, so with it these packages cost some 160 KB more of gzipped
// wasm (over 6%), for nothing: re-planning and redrawing 65,536 subnets
// measures the same with or without (testdata/bench-web.sh, three runs
// each). app is mostly calls into go-app and plan, so it goes without
// too (-11 KB gzip), and so does plan/form, the form model that grew up
// in it (-5.6 KB gzip): the form of 65,536 subnets, its heaviest work,
// was made as fast either way (best of six native runs, 75 ms inlined,
// 67 ms without). The packages that parse and allocate (runtime, strings,
// strconv, slices, maps, net/netip, yaml, plan) keep it: turning it off
// everywhere doubles the time to re-plan; plan alone costs 18% of it;
// yaml alone (-19 KB) made a pasted plan read 8% slower and 4 of 30
// re-plans in the browser miss 200 ms (none did with it).
var WasmFlags = []string{
	"-trimpath",
	"-ldflags=-s -w",
	"-gcflags=crypto/...=-l",
	"-gcflags=math/big=-l",
	"-gcflags=reflect=-l",
	"-gcflags=fmt=-l",
	"-gcflags=encoding/...=-l",
	"-gcflags=time=-l",
	"-gcflags=regexp/...=-l",
	"-gcflags=mime/...=-l",
	"-gcflags=net/url=-l",
	"-gcflags=compress/...=-l",
	"-gcflags=log/...=-l",
	"-gcflags=html=-l",
	"-gcflags=github.com/google/uuid=-l",
	"-gcflags=github.com/ip6plan/ip6plan/records/...=-l",
	"-gcflags=github.com/ip6plan/ip6plan/app=-l",
	"-gcflags=github.com/ip6plan/ip6plan/plan/form=-l",
	"-gcflags=github.com/maxence-charriere/go-app/v10/...=-l",
}

// wasmPackage is the package that is the app when built for the browser.
const wasmPackage = "github.com/ip6plan/ip6plan/cmd/ip6plan-web"

// BuildWasm builds the app with GOOS=js GOARCH=wasm and WasmFlags into
// out. It runs the go command, so it works within the module's tree.
func BuildWasm(out string, stderr io.Writer) error {
	args := append([]string{"build"}, WasmFlags...)
	args = append(args, "-o", out, wasmPackage)
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building %s: go %v: %w", out, args, err)
	}
	return nil
}
