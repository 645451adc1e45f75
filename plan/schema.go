package plan

import _ "embed"

// Schema is the JSON Schema (draft 2020-12) of the plan file, for editors
// that complete and check plans as they are typed. A test keeps it in step
// with the keys ParseFile accepts.
//
//go:embed schema.json
var Schema []byte
