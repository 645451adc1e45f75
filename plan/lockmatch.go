package plan

// A lockMatch pairs the subnets, hosts and links of a plan with their
// entries in the lock of the last run, and finds the entries the plan no
// longer has, mostly without hashing a path.
//
// A lock made by Allocate lists its entries in plan order (the held ones
// last), and the web app allocates that plan again after every edit, so
// the entry wanted next is nearly always the one after the last one
// found. Comparing two paths is cheap; a map of 65,536 paths costs more
// to build than all the rest of Allocate, and more still under wasm. So
// find looks at the entry expected, then at a few beyond it (the plan may
// have lost some), and otherwise notes a miss. At the end the misses are
// looked up among the entries nothing found: a plan names each subnet and
// host once, so an entry found for one of them is no one else's. Links
// are the exception, as a plan built in code may name a link twice, so
// found links stay candidates too. After many misses in a row the order
// is taken to be lost (a lock read from its file, which is sorted by
// address; a big edit): find then indexes the candidates and looks each
// miss up at once.
type lockMatch struct {
	list   []Entry // the old lock's entries, in its order
	next   int     // where the next entry wanted probably is
	found  []bool  // per list entry: the plan has it
	misses []lockMiss
	inARow int             // misses since the last entry found in order
	index  map[lockKey]int // positions of the candidates, once built
}

// A lockMiss is a lookup the order did not answer, and where its answer
// goes.
type lockMiss struct {
	key lockKey
	at  *int
}

const (
	lockLookAhead = 16 // entries find compares past the one expected
	lockLostAfter = 64 // misses in a row that make find index the rest
)

func newLockMatch(old *Lock) *lockMatch {
	if old == nil {
		return &lockMatch{}
	}
	return &lockMatch{list: old.list, found: make([]bool, len(old.list))}
}

// find sets *at to the position of key's entry in the old lock, or to -1
// if it has none. The answer may come only with settle, so at must stay
// valid until then.
func (m *lockMatch) find(key lockKey, at *int) {
	*at = -1
	if len(m.list) == 0 {
		return
	}
	for i := m.next; i < len(m.list) && i <= m.next+lockLookAhead; i++ {
		if e := &m.list[i]; e.Kind == key.kind && e.Path == key.path {
			m.found[i], *at = true, i
			m.next, m.inARow = i+1, 0
			return
		}
		if m.index != nil {
			break // no need to look further ahead: the index knows
		}
	}
	if m.index == nil {
		m.misses = append(m.misses, lockMiss{key, at})
		if m.inARow++; m.inARow < lockLostAfter {
			return
		}
		m.settle()
		return
	}
	if i, ok := m.index[key]; ok {
		m.found[i], *at = true, i
		m.next = i + 1 // what follows it in the plan may follow it in the lock
	}
}

// settle answers the misses noted so far, indexing the candidates for
// them: the entries not found yet, and the links.
func (m *lockMatch) settle() {
	if len(m.misses) == 0 {
		return
	}
	if m.index == nil {
		m.index = map[lockKey]int{}
		for i, e := range m.list {
			if !m.found[i] || e.Kind == KindLink {
				m.index[keyOf(e)] = i
			}
		}
	}
	for _, miss := range m.misses {
		if i, ok := m.index[miss.key]; ok {
			m.found[i], *miss.at = true, i
		}
	}
	m.misses = m.misses[:0]
}

// gone returns, once settled, the old entries the plan no longer has, in
// lock order.
func (m *lockMatch) gone() []Entry {
	var out []Entry
	for i, e := range m.list {
		if !m.found[i] {
			out = append(out, e)
		}
	}
	return out
}
