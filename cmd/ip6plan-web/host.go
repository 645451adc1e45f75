//go:build !wasm

package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

const usage = `usage:
  ip6plan-web wasm [-o web/app.wasm] [-flags]
      build the app (GOOS=js GOARCH=wasm) with its build flags, or with
      -flags print those flags, one per line, for other go commands
  ip6plan-web gen [-wasm web/app.wasm] [-web web] [-o dist]
      write the static site (pre-rendered page, service worker, manifest,
      assets and app.wasm) into the output directory, for any static host
  ip6plan-web serve [-dir dist] [-addr 127.0.0.1:8080]
      serve a generated site
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "wasm":
		fl := flag.NewFlagSet("wasm", flag.ContinueOnError)
		fl.SetOutput(stderr)
		out := fl.String("o", "web/app.wasm", "the file to write")
		print := fl.Bool("flags", false, "print the build flags instead of building")
		if fl.Parse(args[1:]) != nil {
			return 2
		}
		if *print {
			fmt.Fprintln(stdout, strings.Join(WasmFlags, "\n"))
			return 0
		}
		err = BuildWasm(*out, stderr)
	case "gen":
		fl := flag.NewFlagSet("gen", flag.ContinueOnError)
		fl.SetOutput(stderr)
		wasm := fl.String("wasm", "web/app.wasm", "the app built with GOOS=js GOARCH=wasm")
		web := fl.String("web", "web", "the directory of static assets (CSS, icons)")
		out := fl.String("o", "dist", "the directory to write the site into")
		if fl.Parse(args[1:]) != nil {
			return 2
		}
		var version string
		version, err = Generate(*out, *web, *wasm)
		if err == nil {
			fmt.Fprintf(stdout, "wrote %s (version %s)\n", *out, version)
		}
	case "serve":
		fl := flag.NewFlagSet("serve", flag.ContinueOnError)
		fl.SetOutput(stderr)
		dir := fl.String("dir", "dist", "the generated site")
		addr := fl.String("addr", "127.0.0.1:8080", "the address to listen on")
		if fl.Parse(args[1:]) != nil {
			return 2
		}
		err = serve(*dir, *addr, stdout)
	default:
		fmt.Fprint(stderr, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "ip6plan-web:", err)
		return 1
	}
	return 0
}
