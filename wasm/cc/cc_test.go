package cc

import "testing"

func TestLinking(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{[]string{"--version"}, false},
		{[]string{"-v"}, false},
		{[]string{"-dumpmachine"}, false},
		{[]string{"-print-file-name=libc.a"}, false},
		{[]string{"-O2", "-o", "prog.wasm", "prog.c"}, true},
		{[]string{"prog.c"}, true},
		{[]string{"-v", "prog.c"}, true},
		{[]string{"-c", "prog.c"}, false},
		{[]string{"-E", "-"}, false},
		{[]string{"-x", "c", "-"}, true},
		{[]string{"-o", "out.wasm"}, false},
		{[]string{"-I", "inc", "-D", "X=1", "-L", "lib", "-l", "m"}, false},
		{[]string{"-Iinc", "a.o", "-lm"}, true},
		{[]string{"--version", "prog.c"}, false},
	} {
		if got := linking(c.args); got != c.want {
			t.Errorf("linking(%q) = %v, want %v", c.args, got, c.want)
		}
	}
}
