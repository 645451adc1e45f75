// Package spf parses, builds, merges, lints and evaluates Sender Policy
// Framework records (RFC 7208) for IPv6 senders.
package spf

import (
	"net/netip"
	"strconv"
	"strings"
)

// Qualifier is the result a mechanism gives when it matches (RFC 7208
// §4.6.2). The zero Qualifier means none was written, which is Pass.
type Qualifier byte

const (
	QualifierNone     Qualifier = 0
	QualifierPass     Qualifier = '+'
	QualifierFail     Qualifier = '-'
	QualifierSoftfail Qualifier = '~'
	QualifierNeutral  Qualifier = '?'
)

// Kind is what a term is: one of the mechanisms of RFC 7208 §5 or one of
// the modifiers of §6.
type Kind uint8

const (
	All Kind = iota + 1
	Include
	A
	MX
	PTR
	IP4
	IP6
	Exists
	Redirect // modifier redirect=
	Exp      // modifier exp=
	Unknown  // any other modifier name=value (§6, kept and ignored)
)

var kindNames = [...]string{All: "all", Include: "include", A: "a", MX: "mx", PTR: "ptr",
	IP4: "ip4", IP6: "ip6", Exists: "exists", Redirect: "redirect", Exp: "exp", Unknown: "unknown"}

// String returns the term name as written in records.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// IsModifier reports whether the kind is a modifier (name=value) rather
// than a mechanism.
func (k Kind) IsModifier() bool { return k >= Redirect }

// QueriesDNS reports whether evaluating a term of this kind costs one of
// the ten DNS-querying terms RFC 7208 §4.6.4 allows: include, a, mx, ptr,
// exists and redirect.
func (k Kind) QueriesDNS() bool {
	switch k {
	case Include, A, MX, PTR, Exists, Redirect:
		return true
	}
	return false
}

// A Term is one mechanism or modifier of a record.
type Term struct {
	Kind      Kind
	Qualifier Qualifier    // mechanisms only
	Domain    string       // domain-spec as written, macros unexpanded; "" when absent
	Prefix    netip.Prefix // ip4 and ip6: the network as written, host bits kept for lint
	CIDR4     int          // a and mx: the ip4-cidr-length, -1 when absent
	CIDR6     int          // a and mx: the ip6-cidr-length, -1 when absent
	Name      string       // Unknown modifiers: the name
	Value     string       // Unknown modifiers: the macro-string value
	Offset    int          // byte offset of the term in the record text, for errors and lint
}

// A Record is a parsed SPF record: its terms in order.
type Record struct {
	Terms []Term
}

// String returns the term in record syntax, as Parse reads it.
func (t Term) String() string { return string(t.AppendTo(nil)) }

// AppendTo appends the term in record syntax to b.
func (t Term) AppendTo(b []byte) []byte {
	if t.Qualifier != QualifierNone && !t.Kind.IsModifier() {
		b = append(b, byte(t.Qualifier))
	}
	switch t.Kind {
	case Unknown:
		return append(append(append(b, t.Name...), '='), t.Value...)
	case Redirect, Exp:
		return append(append(append(b, t.Kind.String()...), '='), t.Domain...)
	case IP4, IP6:
		b = append(append(b, t.Kind.String()...), ':')
		b = t.Prefix.Addr().AppendTo(b)
		if t.Prefix.Bits() != t.Prefix.Addr().BitLen() {
			b = strconv.AppendInt(append(b, '/'), int64(t.Prefix.Bits()), 10)
		}
		return b
	}
	b = append(b, t.Kind.String()...)
	if t.Domain != "" {
		b = append(append(b, ':'), t.Domain...)
	}
	if t.Kind == A || t.Kind == MX {
		if t.CIDR4 >= 0 {
			b = strconv.AppendInt(append(b, '/'), int64(t.CIDR4), 10)
		}
		if t.CIDR6 >= 0 {
			b = strconv.AppendInt(append(b, "//"...), int64(t.CIDR6), 10)
		}
	}
	return b
}

// String returns the record text: "v=spf1" and the terms, one space
// apart.
func (r *Record) String() string {
	var b strings.Builder
	b.WriteString("v=spf1")
	for _, t := range r.Terms {
		b.WriteByte(' ')
		b.Write(t.AppendTo(nil))
	}
	return b.String()
}
