package live

import "bytes"

// FormatOf returns the format of rows a RowWriter wrote: JSON when they
// start with '{', CSV otherwise, and "" when data holds none. A run that
// resumes must go on in the format its file has.
func FormatOf(data []byte) string {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0:
		return ""
	case data[0] == '{':
		return JSON
	}
	return CSV
}

// Resume returns, for a run that resumes after the rows done, the domains
// still to survey (those without a row, in their order) and the tally of
// the rows done, each domain counted once.
func Resume(domains []string, done []Row) (left []string, tally Tally) {
	have := make(map[string]bool, len(done))
	for _, r := range done {
		if !have[r.Domain] {
			have[r.Domain] = true
			tally.Add(r)
		}
	}
	for _, d := range domains {
		if !have[d] {
			left = append(left, d)
		}
	}
	return left, tally
}
