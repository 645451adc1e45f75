//go:build wasm

package main

import "io"

// run is never reached in the browser: the app runs until the page closes.
// The host's run, with the site generator and server, stays out of the wasm.
func run([]string, io.Writer, io.Writer) int { select {} }
