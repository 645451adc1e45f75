# ip6plan in the browser. From a fresh clone:
#   make web     builds the complete static site into dist/ (any static host serves it)
#   make serve   builds it and serves it on http://127.0.0.1:8080
GO ?= go

.PHONY: web serve wasm clean

web: wasm
	$(GO) run ./cmd/ip6plan-web gen -wasm web/app.wasm -web web -o dist

wasm:
	$(GO) run ./cmd/ip6plan-web wasm -o web/app.wasm

serve: web
	$(GO) run ./cmd/ip6plan-web serve -dir dist -addr 127.0.0.1:8080

clean:
	rm -rf dist web/app.wasm
