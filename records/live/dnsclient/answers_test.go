package dnsclient

import (
	"testing"

	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAnswers(t *testing.T) {
	rr := func(s string) dns.RR {
		r, err := dns.NewRR(s)
		require.NoError(t, err)
		return r
	}
	a := rr("host.t. 60 IN AAAA 2001:db8::1")
	chain := []dns.RR{rr("alias.t. 60 IN CNAME mid.t."), rr("mid.t. 60 IN CNAME HOST.t."), a, rr("other.t. 60 IN AAAA 2001:db8::2")}
	assert.Equal(t, []dns.RR{a}, answers(chain, "Alias.T.", dns.TypeAAAA, true), "the chain is followed, ignoring case")
	assert.Empty(t, answers(chain, "alias.t.", dns.TypeAAAA, false), "not followed without follow")
	assert.Equal(t, []dns.RR{a}, answers(chain, "host.t.", dns.TypeAAAA, false))
	loop := []dns.RR{rr("a.t. 60 IN CNAME b.t."), rr("b.t. 60 IN CNAME a.t.")}
	assert.Empty(t, answers(loop, "a.t.", dns.TypeAAAA, true), "a loop ends")
	assert.Empty(t, answers(chain, "nowhere.t.", dns.TypeAAAA, true))
}
