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
	// Warnings are problems that do not stop the audit (an ignore comment
	// naming an unknown rule): shown on stderr, never in the exit code.
	Warnings []InputError `json:"-"`
	Evidence []Evidence   `json:"-"`
	// Kinds counts artifacts examined per kind; the checklist view marks
	// items whose kinds were absent as not applicable.
	Kinds map[Kind]int `json:"-"`
	// Suppressed counts findings removed by policy (ignores, baseline).
	Suppressed int `json:"-"`
	// Silenced holds those findings with why, for formats that report
	// suppressions (SARIF) instead of dropping them.
	Silenced []Suppression `json:"-"`
	// Hidden counts findings left out of the report by --severity; they
	// still count for the exit code.
	Hidden int `json:"-"`
	// Judged holds every finding policy kept when Findings was narrowed by
	// --severity: views that judge (the checklist) read it, views that list
	// read Findings.
	Judged []Finding `json:"-"`
	// Facts are key facts about the target (image OS, user, sizes).
	Facts map[string]any `json:"-"`
	// SBOM is the inventory the SBOM formats write (*sbom.Input); nil
	// for commands without one.
	SBOM any `json:"-"`
}

// Add folds another command's result into r (the engine's next to its
// containers): findings, errors and evidence append, kinds and facts add.
func (r *Result) Add(o *Result) {
	if o == nil {
		return
	}
	r.Findings = append(r.Findings, o.Findings...)
	r.Errors = append(r.Errors, o.Errors...)
	r.Evidence = append(r.Evidence, o.Evidence...)
	r.Suppressed += o.Suppressed
	if len(o.Kinds) > 0 && r.Kinds == nil {
		r.Kinds = map[Kind]int{}
	}
	for k, n := range o.Kinds {
		r.Kinds[k] += n
	}
	if len(o.Facts) > 0 && r.Facts == nil {
		r.Facts = map[string]any{}
	}
	for k, v := range o.Facts {
		r.Facts[k] = v
	}
}

// Suppression is a finding policy removed, and why.
type Suppression struct {
	Finding Finding
	// InSource is true for an ignore comment in the file itself; false for
	// the config file or a baseline.
	InSource      bool
	Justification string
}
