package app

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// FragmentKey starts the URL fragment that carries a shared plan:
// #plan=base64url(deflate(text)), then &lock=base64url(deflate(lock))
// when the plan has one, so that the link opens the same allocation and
// not a fresh one (which would differ once anything was removed, resized
// or reordered). A fragment never reaches a server (RFC 3986 §3.5), so
// sharing a plan sends it nowhere.
const FragmentKey = "plan="

// lockKey joins the lock to the plan in a fragment.
const lockKey = "&lock="

// maxShared bounds what a fragment may inflate to, so a hostile link
// cannot exhaust the page's memory.
const maxShared = 64 << 20

// errTooLarge is inflate's error for more than it was allowed.
var errTooLarge = fmt.Errorf("more than %d MiB", maxShared>>20)

// Shared is what a link carries: the plan's text and its lock's, which
// may be empty.
type Shared struct{ Plan, Lock string }

// EncodeFragment returns the URL fragment (without '#') that carries s.
// In the browser it waits for the browser's compressor (see deflate).
func EncodeFragment(s Shared) (string, error) {
	frag, err := pack(s.Plan)
	if err != nil {
		return "", err
	}
	frag = FragmentKey + frag
	if s.Lock != "" {
		lock, err := pack(s.Lock)
		if err != nil {
			return "", err
		}
		frag += lockKey + lock
	}
	return frag, nil
}

// DecodeFragment returns what a fragment carries. The fragment may start
// with '#'. ok is false when the fragment carries no plan.
func DecodeFragment(frag string) (s Shared, ok bool, err error) {
	frag = strings.TrimPrefix(frag, "#")
	rest, found := strings.CutPrefix(frag, FragmentKey)
	if !found {
		return Shared{}, false, nil
	}
	plan, lock, hasLock := strings.Cut(rest, lockKey)
	if s.Plan, err = unpack(plan); err != nil {
		return Shared{}, true, fmt.Errorf("the link's plan is damaged: %w", err)
	}
	if hasLock {
		if s.Lock, err = unpack(lock); err != nil {
			return Shared{}, true, fmt.Errorf("the link's lock is damaged: %w", err)
		}
	}
	return s, true, nil
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
	out, err := inflate(raw, maxShared)
	if err != nil {
		return "", err
	}
	return string(out), nil
}
