package plan

import (
	"fmt"
	"strconv"
)

// Pos is a position in a plan or lock file. Line and Col count from 1; a
// zero Line means the position is unknown (a plan built in code).
type Pos struct {
	File      string
	Line, Col int
}

// String returns "file:line:col", leaving out what is unknown.
func (p Pos) String() string {
	s := p.File
	if p.Line > 0 {
		if s != "" {
			s += ":"
		}
		s += strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
	}
	return s
}

// An Error is a problem with a plan, at the position that caused it.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string {
	if p := e.Pos.String(); p != "" {
		return p + ": " + e.Msg
	}
	return e.Msg
}

func errorAt(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}
