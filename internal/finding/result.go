package finding

// InputError is an input that could not be read; everything else is still
// reported, and the exit code becomes 2.
type InputError struct {
	Path    string `json:"path"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// Evidence is a positive observation for the checklist view: a practice
// seen done right (e.g. a secret injected from a Docker secret).
type Evidence struct {
	Checklist string   `json:"checklist"`
	Location  Location `json:"location"`
	Message   string   `json:"message"`
	// Unknown marks an observation that bears on the item but cannot
	// decide it (a value left to the deployment, such as `read_only: ${RO}`,
	// or a base image nothing is known about): the item is UNKNOWN for
	// that place, never PASS or FAIL on its account.
	Unknown bool `json:"unknown,omitempty"`
}

// Result is what one command produced, before and after policy.
type Result struct {
	Command  string       `json:"-"`
	Target   string       `json:"-"`
	Findings []Finding    `json:"-"`
	Errors   []InputError `json:"-"`
	Evidence []Evidence   `json:"-"`
	// Kinds counts artifacts examined per kind; the checklist view marks
	// items whose kinds were absent as not applicable.
	Kinds map[Kind]int `json:"-"`
	// Suppressed counts findings removed by policy (ignores, baseline).
	Suppressed int `json:"-"`
	// Hidden counts findings left out of the report by --severity; they
	// still count for the exit code.
	Hidden int `json:"-"`
	// Judged holds every finding policy kept when Findings was narrowed by
	// --severity: views that judge (the checklist) read it, views that list
	// read Findings.
	Judged []Finding `json:"-"`
	// Facts are key facts about the target (image OS, user, sizes).
	Facts map[string]any `json:"-"`
}
