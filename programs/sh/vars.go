package sh

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// sprintf is fmt.Sprintf.
func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// lookup returns a parameter's value and whether it is set: special
// parameters, positional parameters and variables.
func (s *shell) lookup(name string) (string, bool) {
	switch name {
	case "?":
		return strconv.Itoa(s.status), true
	case "$":
		return strconv.Itoa(s.rootPid), true
	case "!":
		if s.lastBg == 0 {
			return "", false
		}
		return strconv.Itoa(s.lastBg), true
	case "#":
		return strconv.Itoa(len(s.args)), true
	case "-":
		return s.optString(), true
	case "@", "*":
		return strings.Join(s.args, " "), len(s.args) > 0
	case "0":
		return s.arg0, true
	case "LINENO":
		return strconv.Itoa(s.line()), true
	}
	if name != "" && name[0] >= '1' && name[0] <= '9' {
		n, err := strconv.Atoi(name)
		if err != nil || n > len(s.args) {
			return "", false
		}
		return s.args[n-1], true
	}
	v, ok := s.vars[name]
	if !ok || !v.set {
		return "", false
	}
	return v.val, true
}

// get returns a variable's value, "" if unset.
func (s *shell) get(name string) string {
	v, _ := s.lookup(name)
	return v
}

// setVar sets a variable, ignoring read-only errors (they are checked by
// assignChecked).
func (s *shell) setVar(name, val string) {
	s.assignChecked(name, val)
}

// assignChecked sets a variable; a read-only one is an error, reported.
func (s *shell) assignChecked(name, val string) bool {
	v, ok := s.vars[name]
	if ok && v.readonly {
		s.errorf("%s: is read only", name)
		return false
	}
	if !ok {
		v = &variable{}
		s.vars[name] = v
	}
	v.val, v.set = val, true
	if s.opt.allexport {
		v.exported = true
	}
	return true
}

// optString is $-: the set single-letter options.
func (s *shell) optString() string {
	var b strings.Builder
	for _, o := range shortOpts {
		if *o.ptr(s) {
			b.WriteByte(o.c)
		}
	}
	return b.String()
}

// shortOpt is one option's letter and name.
type shortOpt struct {
	c    byte
	name string
	ptr  func(s *shell) *bool
}

// shortOpts lists the options in dash's order.
var shortOpts = []shortOpt{
	{'e', "errexit", func(s *shell) *bool { return &s.opt.errexit }},
	{'f', "noglob", func(s *shell) *bool { return &s.opt.noglob }},
	{'I', "ignoreeof", func(s *shell) *bool { return &s.opt.ignoreeof }},
	{'i', "interactive", func(s *shell) *bool { return &s.opt.interactive }},
	{'m', "monitor", func(s *shell) *bool { return &s.opt.monitor }},
	{'n', "noexec", func(s *shell) *bool { return &s.opt.noexec }},
	{'s', "stdin", func(s *shell) *bool { return &s.opt.stdin }},
	{'x', "xtrace", func(s *shell) *bool { return &s.opt.xtrace }},
	{'v', "verbose", func(s *shell) *bool { return &s.opt.verbose }},
	{'V', "vi", func(s *shell) *bool { return &s.opt.vi }},
	{'E', "emacs", func(s *shell) *bool { return &s.opt.emacs }},
	{'C', "noclobber", func(s *shell) *bool { return &s.opt.noclobber }},
	{'a', "allexport", func(s *shell) *bool { return &s.opt.allexport }},
	{'b', "notify", func(s *shell) *bool { return &s.opt.notify }},
	{'u', "nounset", func(s *shell) *bool { return &s.opt.nounset }},
	{0, "nolog", func(s *shell) *bool { return &s.opt.nolog }},
	{0, "debug", func(s *shell) *bool { return &s.opt.debug }},
	{0, "pipefail", func(s *shell) *bool { return &s.opt.pipefail }},
}

// setShortOpt sets option letter c; false if there is none.
func (s *shell) setShortOpt(c byte, on bool) bool {
	for _, o := range shortOpts {
		if o.c == c && c != 0 {
			*o.ptr(s) = on
			return true
		}
	}
	return false
}

// setLongOpt sets option name; false if there is none.
func (s *shell) setLongOpt(name string, on bool) bool {
	for _, o := range shortOpts {
		if o.name == name {
			*o.ptr(s) = on
			return true
		}
	}
	return false
}

// sortedVars returns the variable names in order.
func (s *shell) sortedVars() []string {
	names := make([]string, 0, len(s.vars))
	for k := range s.vars {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
