// Command ip6plan-web is ip6plan in the browser. Built for GOOS=js
// GOARCH=wasm it is the app itself (web/app.wasm); built for the host it
// writes the static site that serves the app and, for trying it locally,
// serves that site:
//
//	go run ./cmd/ip6plan-web wasm -o web/app.wasm  # GOOS=js GOARCH=wasm go build, with WasmFlags
//	go run ./cmd/ip6plan-web gen -wasm web/app.wasm -web web -o dist
//	go run ./cmd/ip6plan-web serve -dir dist -addr 127.0.0.1:8080
//
// The Makefile's web and serve targets run these steps.
package main

import (
	"os"
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	ipapp "github.com/ip6plan/ip6plan/app"
)

// pages are the app's routes. Every one is pre-rendered and cached by the
// service worker, so each works offline.
var pages = []string{"/"}

var routeOnce sync.Once

func routeAll() {
	routeOnce.Do(func() {
		app.Route("/", func() app.Composer { return &ipapp.Shell{} })
	})
}

func main() {
	routeAll()
	app.RunWhenOnBrowser() // in the browser this never returns
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
