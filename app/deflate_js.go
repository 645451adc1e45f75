//go:build js && wasm

package app

import (
	"errors"
	"syscall/js"
)

// deflate compresses s with raw DEFLATE (RFC 1951) through the browser's
// CompressionStream, which keeps compress/flate's writer (about 20 KB of
// gzipped wasm) out of app.wasm and runs as the browser's own code,
// asynchronously.
// Its output is what compress/flate's reader takes, so links and saved
// state stay readable by the Go side and by the native build.
//
// deflate blocks its goroutine until the browser is done. It must not be
// called from inside a JavaScript callback, which would hold the event
// loop that has to resolve the promise; go-app's handlers, After and
// Async run on goroutines and are fine.
func deflate(s string) ([]byte, error) {
	w := js.Global()
	cs := w.Get("CompressionStream")
	if !cs.Truthy() {
		return nil, errors.New("this browser has no CompressionStream; use a newer one")
	}
	// The bytes, not a JS string: a string would be re-encoded as UTF-8,
	// and any invalid sequence in s changed.
	in := w.Get("Uint8Array").New(len(s))
	js.CopyBytesToJS(in, []byte(s))
	blob := w.Get("Blob").New([]any{in})
	stream := blob.Call("stream").Call("pipeThrough", cs.New("deflate-raw"))
	promise := w.Get("Response").New(stream).Call("arrayBuffer")

	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	ok := js.FuncOf(func(_ js.Value, args []js.Value) any {
		buf := w.Get("Uint8Array").New(args[0])
		b := make([]byte, buf.Length())
		js.CopyBytesToGo(b, buf)
		done <- result{b: b}
		return nil
	})
	fail := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{err: errors.New("the browser could not compress: " + args[0].Call("toString").String())}
		return nil
	})
	defer ok.Release()
	defer fail.Release()
	promise.Call("then", ok, fail)
	r := <-done
	return r.b, r.err
}

// inflate reverses deflate through the browser's DecompressionStream,
// which keeps compress/flate out of app.wasm (19 KB gzipped), a chunk at
// a time: more than limit bytes is errTooLarge, read no further (a
// hostile link could inflate to gigabytes). Like deflate, it blocks its
// goroutine until the browser is done, and must not be called from inside
// a JavaScript callback.
func inflate(b []byte, limit int) ([]byte, error) {
	w := js.Global()
	ds := w.Get("DecompressionStream")
	if !ds.Truthy() {
		return nil, errors.New("this browser has no DecompressionStream; use a newer one")
	}
	in := w.Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(in, b)
	reader := w.Get("Blob").New([]any{in}).Call("stream").Call("pipeThrough", ds.New("deflate-raw")).Call("getReader")

	type result struct {
		v   js.Value
		err error
	}
	done := make(chan result, 1)
	ok := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{v: args[0]}
		return nil
	})
	fail := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{err: errors.New(args[0].Call("toString").String())}
		return nil
	})
	defer ok.Release()
	defer fail.Release()
	var out []byte
	for {
		reader.Call("read").Call("then", ok, fail)
		r := <-done
		switch {
		case r.err != nil:
			return nil, r.err
		case r.v.Get("done").Bool():
			return out, nil
		}
		chunk := r.v.Get("value")
		n := chunk.Length()
		if len(out)+n > limit {
			reader.Call("cancel")
			return nil, errTooLarge
		}
		out = append(out, make([]byte, n)...)
		js.CopyBytesToGo(out[len(out)-n:], chunk)
	}
}
