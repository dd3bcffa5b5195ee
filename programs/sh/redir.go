package sh

import (
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/gocage/gocage/posix"
)

// savedFd remembers what fd held before a redirection: a close-on-exec
// copy at 10 or above, or -1 if fd was closed.
type savedFd struct{ fd, copy int }

// pipeSize is how much a here-document may hold to be written into its
// pipe before the reader starts (Linux's default pipe capacity).
const pipeSize = 65536

// redirect applies rs in order. With save, it first keeps a copy of each
// fd it changes, for restore. On an error it reports it, undoes what it
// did (with save) and returns false.
func (s *shell) redirect(rs []*syntax.Redirect, save bool) ([]savedFd, bool) {
	var saved []savedFd
	for _, r := range rs {
		fd := 1
		switch r.Op {
		case syntax.RdrIn, syntax.RdrInOut, syntax.DplIn, syntax.Hdoc, syntax.DashHdoc, syntax.WordHdoc:
			fd = 0
		}
		if r.N != nil {
			n, err := strconv.Atoi(r.N.Value)
			if err != nil {
				s.errorf("%s: Bad fd number", r.N.Value)
				s.restore(saved)
				return nil, false
			}
			fd = n
		}
		if save {
			have := false
			for _, sv := range saved {
				if sv.fd == fd {
					have = true
				}
			}
			if !have {
				c, err := s.p.Fcntl(fd, posix.F_DUPFD_CLOEXEC, 10)
				if err != nil {
					c = -1
				}
				saved = append(saved, savedFd{fd, c})
			}
		}
		if !s.redirectOne(r, fd) {
			s.restore(saved)
			return nil, false
		}
	}
	return saved, true
}

// redirectOne applies one redirection onto fd.
func (s *shell) redirectOne(r *syntax.Redirect, fd int) bool {
	switch r.Op {
	case syntax.Hdoc, syntax.DashHdoc:
		return s.heredoc(r, fd)
	case syntax.DplIn, syntax.DplOut:
		w := s.expandString(r.Word)
		if w == "-" {
			s.p.Close(fd)
			return true
		}
		src, err := strconv.Atoi(w)
		if err != nil || src < 0 {
			if r.Op == syntax.DplOut && r.N == nil {
				// >&word: both stdout and stderr to a file, in dash too.
				return s.openOnto(w, posix.O_WRONLY|posix.O_CREAT|posix.O_TRUNC, 1, errCreate) && s.dupOnto(1, 2)
			}
			s.errorf("Syntax error: Bad fd number")
			return false
		}
		if src == fd {
			if _, err := s.p.Fcntl(fd, posix.F_GETFD, 0); err != nil {
				s.errorf("%d: Bad file descriptor", src)
				return false
			}
			return true
		}
		if _, err := s.p.Fcntl(src, posix.F_GETFD, 0); err != nil || src >= 10 && s.isSaved(src) {
			s.errorf("%d: Bad file descriptor", src)
			return false
		}
		return s.dupOnto(src, fd)
	}
	name := s.expandString(r.Word)
	switch r.Op {
	case syntax.RdrIn:
		return s.openOnto(name, posix.O_RDONLY, fd, errOpen)
	case syntax.RdrOut:
		if s.opt.noclobber {
			if st, err := s.p.Stat(name); err == nil && st.Mode&posix.S_IFMT == posix.S_IFREG {
				s.errorf("cannot create %s: File exists", name)
				return false
			}
		}
		return s.openOnto(name, posix.O_WRONLY|posix.O_CREAT|posix.O_TRUNC, fd, errCreate)
	case syntax.RdrClob:
		return s.openOnto(name, posix.O_WRONLY|posix.O_CREAT|posix.O_TRUNC, fd, errCreate)
	case syntax.AppOut:
		return s.openOnto(name, posix.O_WRONLY|posix.O_CREAT|posix.O_APPEND, fd, errCreate)
	case syntax.RdrInOut:
		return s.openOnto(name, posix.O_RDWR|posix.O_CREAT, fd, errCreate)
	}
	s.errorf("Syntax error: redirection unexpected")
	return false
}

// isSaved reports whether fd is one of the shell's saved copies, which a
// command may not name (dash hides its own fds).
func (s *shell) isSaved(fd int) bool {
	for _, l := range s.redirStack {
		for _, sv := range l {
			if sv.copy == fd {
				return true
			}
		}
	}
	return false
}

// dupOnto makes fd a copy of src.
func (s *shell) dupOnto(src, fd int) bool {
	if _, err := s.p.Dup2(src, fd); err != nil {
		s.errorf("%d: %s", src, errText(err, errOpen))
		return false
	}
	return true
}

// openOnto opens name with flags and moves it to fd.
func (s *shell) openOnto(name string, flags, fd, kind int) bool {
	nfd, err := s.p.Open(name, flags, 0o666)
	for err == posix.EINTR {
		nfd, err = s.p.Open(name, flags, 0o666)
	}
	if err != nil {
		verb := "cannot open"
		if kind == errCreate {
			verb = "cannot create"
		}
		s.errorf("%s %s: %s", verb, name, errText(err, kind))
		return false
	}
	if nfd != fd {
		if _, err := s.p.Dup2(nfd, fd); err != nil {
			s.p.Close(nfd)
			s.errorf("%d: %s", fd, errText(err, errOpen))
			return false
		}
		s.p.Close(nfd)
	}
	return true
}

// restore undoes redirections from their saved copies.
func (s *shell) restore(saved []savedFd) {
	for i := len(saved) - 1; i >= 0; i-- {
		sv := saved[i]
		if sv.copy < 0 {
			s.p.Close(sv.fd)
			continue
		}
		s.p.Dup2(sv.copy, sv.fd)
		s.p.Close(sv.copy)
	}
}

// heredoc feeds a here-document's body to fd through a pipe: written at
// once if it fits in the pipe, else by a forked writer.
func (s *shell) heredoc(r *syntax.Redirect, fd int) bool {
	body := ""
	if r.Hdoc != nil {
		parts := r.Hdoc.Parts
		if r.Op == syntax.DashHdoc {
			parts = stripTabs(parts)
		}
		if quotedWord(r.Word) {
			var b strings.Builder
			for _, p := range parts {
				if l, ok := p.(*syntax.Lit); ok {
					b.WriteString(l.Value)
				}
			}
			body = b.String()
		} else {
			body = s.expandHeredoc(parts)
		}
	}
	pr, pw, err := s.p.Pipe()
	if err != nil {
		s.errorf("Pipe call failed")
		return false
	}
	if len(body) <= pipeSize {
		s.writeAll(pw, []byte(body))
		s.p.Close(pw)
	} else {
		_, err := s.fork(0, func(c *shell) int {
			c.p.Close(pr)
			c.p.Signal(posix.SIGPIPE, nil)
			c.writeAll(pw, []byte(body))
			return 0
		})
		s.p.Close(pw)
		if err != nil {
			s.p.Close(pr)
			return false
		}
	}
	if pr != fd {
		s.p.Dup2(pr, fd)
		s.p.Close(pr)
	}
	return true
}

// quotedWord reports whether a here-document delimiter has any quoting.
func quotedWord(w *syntax.Word) bool {
	if w == nil {
		return false
	}
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.SglQuoted, *syntax.DblQuoted:
			return true
		case *syntax.Lit:
			if strings.Contains(p.Value, "\\") {
				return true
			}
		}
	}
	return false
}

// stripTabs removes the leading tabs of every line of a <<- body.
func stripTabs(parts []syntax.WordPart) []syntax.WordPart {
	out := make([]syntax.WordPart, len(parts))
	atStart := true
	for i, p := range parts {
		l, ok := p.(*syntax.Lit)
		if !ok {
			out[i] = p
			atStart = false
			continue
		}
		var b strings.Builder
		for _, c := range []byte(l.Value) {
			if atStart && c == '\t' {
				continue
			}
			atStart = c == '\n'
			b.WriteByte(c)
		}
		nl := *l
		nl.Value = b.String()
		out[i] = &nl
	}
	return out
}
