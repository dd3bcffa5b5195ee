package sh

import (
	"encoding/binary"
	"sort"
	"strings"

	"github.com/gocage/gocage/posix"
)

// match reports whether s matches the shell pattern pat (POSIX: * ? and
// bracket expressions, backslash quoting), byte by byte as in the C
// locale. With period set, a leading dot of s must be matched by a literal
// dot, as pathname expansion requires.
func match(pat, s string, period bool) bool {
	if period && strings.HasPrefix(s, ".") && !strings.HasPrefix(pat, ".") && !strings.HasPrefix(pat, "\\.") {
		return false
	}
	px, sx := 0, 0
	nextPx, nextSx := 0, 0
	for px < len(pat) || sx < len(s) {
		if px < len(pat) {
			switch c := pat[px]; c {
			case '*':
				nextPx, nextSx = px, sx+1
				px++
				continue
			case '?':
				if sx < len(s) {
					px++
					sx++
					continue
				}
			case '[':
				if sx < len(s) {
					ok, n, valid := matchBracket(pat[px:], s[sx])
					if !valid {
						if s[sx] == '[' {
							px++
							sx++
							continue
						}
					} else if ok {
						px += n
						sx++
						continue
					}
				}
			case '\\':
				lit := byte('\\')
				n := 1
				if px+1 < len(pat) {
					lit, n = pat[px+1], 2
				}
				if sx < len(s) && s[sx] == lit {
					px += n
					sx++
					continue
				}
			default:
				if sx < len(s) && s[sx] == c {
					px++
					sx++
					continue
				}
			}
		}
		if 0 < nextSx && nextSx <= len(s) {
			px, sx = nextPx, nextSx
			continue
		}
		return false
	}
	return true
}

// matchBracket matches c against the bracket expression at the start of
// p; it returns whether c matched, the expression's length, and whether
// it is a valid expression (one with a closing bracket).
func matchBracket(p string, c byte) (matched bool, n int, valid bool) {
	i := 1
	negate := false
	if i < len(p) && (p[i] == '!' || p[i] == '^') {
		negate = true
		i++
	}
	first := true
	for i < len(p) {
		if p[i] == ']' && !first {
			return matched != negate, i + 1, true
		}
		first = false
		if p[i] == '[' && i+1 < len(p) && p[i+1] == ':' {
			end := strings.Index(p[i+2:], ":]")
			if end >= 0 {
				if classMatch(p[i+2:i+2+end], c) {
					matched = true
				}
				i += end + 4
				continue
			}
		}
		lo := p[i]
		if lo == '\\' && i+1 < len(p) {
			i++
			lo = p[i]
		}
		i++
		hi := lo
		if i+1 < len(p) && p[i] == '-' && p[i+1] != ']' {
			hi = p[i+1]
			i += 2
			if hi == '\\' && i < len(p) {
				hi = p[i]
				i++
			}
		}
		if lo <= c && c <= hi {
			matched = true
		}
	}
	return false, 0, false
}

// classMatch reports whether c is in the character class name.
func classMatch(name string, c byte) bool {
	switch name {
	case "alpha":
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
	case "digit":
		return '0' <= c && c <= '9'
	case "alnum":
		return classMatch("alpha", c) || classMatch("digit", c)
	case "upper":
		return 'A' <= c && c <= 'Z'
	case "lower":
		return 'a' <= c && c <= 'z'
	case "space":
		return c == ' ' || '\t' <= c && c <= '\r'
	case "blank":
		return c == ' ' || c == '\t'
	case "punct":
		return c > ' ' && c < 0x7f && !classMatch("alnum", c)
	case "print":
		return c >= ' ' && c < 0x7f
	case "graph":
		return c > ' ' && c < 0x7f
	case "cntrl":
		return c < ' ' || c == 0x7f
	case "xdigit":
		return classMatch("digit", c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
	}
	return false
}

// hasMeta reports whether a pattern component has an unescaped pattern
// character: *, ?, or a [ that a ] closes.
func hasMeta(p string) bool {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '*', '?':
			return true
		case '[':
			// A bracket is a pattern only when a bracket expression
			// closes it (dash does not read the directory for `[`).
			j := i + 1
			if j < len(p) && (p[j] == '!' || p[j] == '^') {
				j++
			}
			if j < len(p) && p[j] == ']' {
				j++
			}
			if strings.IndexByte(p[min(j, len(p)):], ']') >= 0 {
				return true
			}
		}
	}
	return false
}

// unescape removes pattern backslashes.
func unescape(p string) string {
	if !strings.Contains(p, "\\") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' && i+1 < len(p) {
			i++
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// glob returns the paths matching pat in the cage's filesystem, sorted,
// or nil if none.
func (s *shell) glob(pat string) []string {
	return s.globIn("", strings.Split(pat, "/"))
}

func (s *shell) globIn(prefix string, comps []string) []string {
	if len(comps) == 0 {
		return []string{prefix}
	}
	comp, rest := comps[0], comps[1:]
	if comp == "" {
		if len(rest) == 0 {
			return []string{prefix}
		}
		return s.globIn(prefix+"/", rest)
	}
	if !hasMeta(comp) {
		p := prefix + unescape(comp)
		if len(rest) == 0 {
			if _, err := s.p.Lstat(p); err != nil {
				return nil
			}
			return []string{p}
		}
		return s.globIn(p+"/", rest)
	}
	dir := prefix
	if dir == "" {
		dir = "."
	}
	names := s.readDir(dir)
	sort.Strings(names)
	var out []string
	for _, name := range names {
		if !match(comp, name, true) {
			continue
		}
		p := prefix + name
		if len(rest) == 0 {
			out = append(out, p)
			continue
		}
		if st, err := s.p.Stat(p); err != nil || st.Mode&posix.S_IFMT != posix.S_IFDIR {
			continue
		}
		out = append(out, s.globIn(p+"/", rest)...)
	}
	return out
}

// readDir lists a directory's names with getdents64, decoding
// linux_dirent64 records (d_ino u64, d_off s64, d_reclen u16, d_type u8,
// then the NUL-terminated name).
func (s *shell) readDir(dir string) []string {
	fd, err := s.p.Open(dir, posix.O_RDONLY|posix.O_DIRECTORY|posix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	defer s.p.Close(fd)
	var names []string
	buf := make([]byte, 8192)
	for {
		n, err := s.p.Getdents64(fd, buf)
		if err == posix.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			break
		}
		for off := 0; off+19 <= n; {
			reclen := int(binary.LittleEndian.Uint16(buf[off+16:]))
			if reclen <= 0 || off+reclen > n {
				break
			}
			name := buf[off+19 : off+reclen]
			if i := strings.IndexByte(string(name), 0); i >= 0 {
				name = name[:i]
			}
			names = append(names, string(name))
			off += reclen
		}
	}
	return names
}
