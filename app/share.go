package app

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
)

// FragmentKey starts the URL fragment that carries a shared plan:
// #plan=base64url(deflate(text)). A fragment never reaches a server
// (RFC 3986 §3.5), so sharing a plan sends it nowhere.
const FragmentKey = "plan="

// maxShared bounds what a fragment may inflate to, so a hostile link
// cannot exhaust the page's memory.
const maxShared = 64 << 20

// EncodeFragment returns the URL fragment (without '#') that carries text.
// In the browser it waits for the browser's compressor (see deflate).
func EncodeFragment(text string) (string, error) {
	packed, err := pack(text)
	if err != nil {
		return "", err
	}
	return FragmentKey + packed, nil
}

// DecodeFragment returns the plan text a fragment carries. The fragment may
// start with '#'. ok is false when the fragment carries no plan.
func DecodeFragment(frag string) (text string, ok bool, err error) {
	frag = strings.TrimPrefix(frag, "#")
	rest, found := strings.CutPrefix(frag, FragmentKey)
	if !found {
		return "", false, nil
	}
	text, err = unpack(rest)
	if err != nil {
		return "", true, fmt.Errorf("the link's plan is damaged: %w", err)
	}
	return text, true, nil
}

// pack deflates s and encodes it as unpadded base64url.
func pack(s string) (string, error) {
	b, err := deflate(s)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// unpack reverses pack.
func unpack(s string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return "", err
	}
	r := flate.NewReader(bytes.NewReader(raw))
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, maxShared+1))
	if err != nil {
		return "", err
	}
	if len(out) > maxShared {
		return "", fmt.Errorf("more than %d MiB", maxShared>>20)
	}
	return string(out), nil
}
