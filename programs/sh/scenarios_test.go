package sh

import (
	"regexp"
	"strings"
	"testing"
)

// scenario is one shell run: sh -c script with stdin, and what it must
// give. Expectations are Linux's: the same table runs against the host's
// dash (host_linux_test.go).
type scenario struct {
	name   string
	script string
	stdin  string
	stdout string
	// stderr is a regular expression the whole of stderr must match;
	// empty means stderr must be empty.
	stderr string
	status int
	// hostSkip, if set, says why the host's dash cannot run the scenario
	// (a feature this shell has and dash lacks): a known difference.
	hostSkip string
}

// scenarios is the differential table.
var scenarios = []scenario{
	// Simple commands, quoting, parameters.
	{name: "echo", script: `echo hello world`, stdout: "hello world\n"},
	{name: "quotes", script: `echo 'a  b' "c  d" e\ \ f`, stdout: "a  b c  d e  f\n"},
	{name: "dq_escapes", script: `x=v; echo "\$x=\"$x\" \\ \q"`, stdout: "$x=\"v\" \\ \\q\n"},
	{name: "not_found", script: `nosuchcmd`, stderr: `^sh: 1: nosuchcmd: not found\n$`, status: 127},
	{name: "not_found_line", script: "true\n\nnosuchcmd arg", stderr: `^sh: 3: nosuchcmd: not found\n$`, status: 127},
	{name: "not_found_path", script: `./nope`, stderr: `^sh: 1: ./nope: not found\n$`, status: 127},
	{name: "not_executable", script: `echo x > f; ./f`, stderr: `^sh: 1: ./f: Permission denied\n$`, status: 126},
	{name: "exit_status", script: `false; echo $?; true; echo $?`, stdout: "1\n0\n"},
	{name: "exit_code", script: `exit 42`, status: 42},
	{name: "exit_default", script: `false; exit`, status: 1},
	{name: "positional", script: `set -- a b c d e f g h i j; echo $# $1 $9 ${10}`, stdout: "10 a i j\n"},
	{name: "dollar0", script: `echo $0`, stdout: "sh\n"},
	{name: "at_quoted", script: `set -- "a b" c; for x in "$@"; do echo "[$x]"; done`, stdout: "[a b]\n[c]\n"},
	{name: "star_quoted", script: `set -- "a b" c; IFS=:; echo "$*"`, stdout: "a b:c\n"},
	{name: "at_empty", script: `set --; for x in "$@"; do echo x; done; echo "[$@]"`, stdout: "[]\n"},
	{name: "at_unquoted_split", script: `set -- "a b" c; for x in $@; do echo "[$x]"; done`, stdout: "[a]\n[b]\n[c]\n"},
	{name: "shift", script: `set -- 1 2 3; shift; echo $@; shift 2; echo $#`, stdout: "2 3\n0\n"},
	{name: "shift_too_many", script: `shift 3; echo no`, stderr: `^sh: 1: shift: can't shift that many\n$`, status: 2},
	{name: "pid_vars", script: `test $$ -gt 0 && echo ok; sleep 0 & test $! -gt 0 && echo bg; wait`, stdout: "ok\nbg\n"},

	// Parameter expansion.
	{name: "default", script: `echo ${u-def} ${u:-def2}; e=; echo "[${e-x}]" ${e:-y}`, stdout: "def def2\n[] y\n"},
	{name: "assign_default", script: `echo ${v:=set}; echo $v`, stdout: "set\nset\n"},
	{name: "alternate", script: `x=1; echo ${x+alt} "[${u+alt}]" ${x:+yes}`, stdout: "alt [] yes\n"},
	{name: "length", script: `x=hello; echo ${#x}`, stdout: "5\n"},
	{name: "trim", script: `p=/usr/local/lib.tar.gz; echo ${p#*/} ${p##*/} ${p%.*} ${p%%.*}`, stdout: "usr/local/lib.tar.gz lib.tar.gz /usr/local/lib.tar /usr/local/lib\n"},
	{name: "trim_quoted_pattern", script: `x='a*b*c'; echo ${x#"a*"} ${x%'*c'}`, stdout: "b*c a*b\n"},
	{name: "error_unset", script: `echo ${zz?}`, stderr: `^sh: 1: zz: parameter not set\n$`, status: 2},
	{name: "error_custom", script: `echo ${zz:?custom msg}; echo after`, stderr: `^sh: 1: zz: custom msg\n$`, status: 2},
	{name: "nounset", script: `set -u; echo $zz; echo after`, stderr: `^sh: 1: zz: parameter not set\n$`, status: 2},
	{name: "nounset_ok", script: `set -u; x=1; echo $x ${y-d}`, stdout: "1 d\n"},
	{name: "default_split", script: `set -- ${u:-a b c}; echo $#`, stdout: "3\n"},
	{name: "default_quoted", script: `set -- "${u:-a b c}"; echo $#`, stdout: "1\n"},

	// Field splitting and IFS.
	{name: "ifs_default", script: `x='  a   b  '; set -- $x; echo $#`, stdout: "2\n"},
	{name: "ifs_colon", script: `IFS=:; x='a::b:'; set -- $x; echo $#; for f in $x; do echo "[$f]"; done`, stdout: "3\n[a]\n[]\n[b]\n"},
	{name: "ifs_mixed", script: `IFS=' :'; x='a : b'; set -- $x; echo $#`, stdout: "2\n"},
	{name: "ifs_empty", script: `IFS=; x='a b'; set -- $x; echo $#`, stdout: "1\n"},
	{name: "empty_removed", script: `e=; set -- $e "" $e; echo $#`, stdout: "1\n"},

	// Quoting and command substitution.
	{name: "cmdsubst", script: `x=$(echo hi); echo "[$x]"`, stdout: "[hi]\n"},
	{name: "cmdsubst_newlines", script: `x=$(printf 'a\n\n\n'); echo "[$x]"`, stdout: "[a]\n"},
	{name: "cmdsubst_nested", script: `echo $(echo $(echo $(echo deep)))`, stdout: "deep\n"},
	{name: "backquotes", script: "echo `echo a` `echo \\`echo b\\``", stdout: "a b\n"},
	{name: "cmdsubst_status", script: `x=$(exit 4); echo $?`, stdout: "4\n"},
	{name: "cmdsubst_split", script: `set -- $(echo a b c); echo $#`, stdout: "3\n"},
	{name: "cmdsubst_pipeline", script: `echo $(printf '3\n1\n2\n' | sort | head -n 2)`, stdout: "1 2\n"},
	{name: "cmdsubst_subshell_vars", script: `x=1; y=$(x=2; echo $x); echo $x $y`, stdout: "1 2\n"},

	// Arithmetic.
	{name: "arith", script: `echo $((1+2*3)) $((7/2)) $((7%3)) $(( (1+2)*3 )) $((-5+2))`, stdout: "7 3 1 9 -3\n"},
	{name: "arith_vars", script: `x=5; y=3; echo $((x*y)) $(($x-$y)) $((x>y)) $((x==5 && y<2))`, stdout: "15 2 1 0\n"},
	{name: "arith_assign", script: `x=1; echo $((x+=4)) $x $((x=7)) $x`, stdout: "5 5 7 7\n"},
	{name: "arith_ternary", script: `x=3; echo $((x>2 ? 10 : 20)) $((0x10)) $((010)) $((1<<4)) $((~0))`, stdout: "10 16 8 16 -1\n"},
	{name: "arith_divzero", script: `echo $((1/0)); echo after`, stderr: `^sh: 1: arithmetic expression: division by zero: "1/0"\n$`, status: 2},
	{name: "arith_illegal", script: `x=abc; echo $((x+1))`, stderr: `^sh: 1: Illegal number: abc\n$`, status: 2},
	{name: "arith_loop", script: `i=0; s=0; while [ $i -lt 10 ]; do i=$((i+1)); s=$((s+i)); done; echo $s`, stdout: "55\n"},

	// Pipelines.
	{name: "pipeline", script: `printf 'b\na\nc\n' | sort | head -n 2`, stdout: "a\nb\n"},
	{name: "pipeline_status", script: `true | false; echo $?; false | true; echo $?`, stdout: "1\n0\n"},
	{name: "pipeline_negate", script: `! false; echo $?; ! true | true; echo $?`, stdout: "0\n1\n"},
	{name: "pipefail", script: `set -o pipefail; false | true; echo $?; true | (exit 3) | true; echo $?`, stdout: "1\n3\n", hostSkip: "dash 0.5.12 has no pipefail (POSIX.1-2024 and bash do)"},
	{name: "pipefail_sigpipe", script: `set -o pipefail; yes | head -n 2; echo $?`, stdout: "y\ny\n141\n", hostSkip: "dash 0.5.12 has no pipefail"},
	{name: "sigpipe_yes", script: `yes | head -n 1`, stdout: "y\n"},
	{name: "xxd_streams_endless_input", script: `yes | xxd | head -n 1`, stdout: "00000000: 790a 790a 790a 790a 790a 790a 790a 790a  y.y.y.y.y.y.y.y.\n"},
	{name: "sed_streams_endless_input", script: `yes abc | sed 5q; yes | sed 2q | wc -l`, stdout: "abc\nabc\nabc\nabc\nabc\n2\n"},
	{name: "sigpipe_status", script: `{ yes; echo $? >&2; } | head -n 2`, stdout: "y\ny\n", stderr: `^141\n$`},
	{name: "deep_pipeline", script: `echo deep` + strings.Repeat(" | cat", 100), stdout: "deep\n"},
	{name: "pipeline_builtins", script: `echo abc | read x; echo "[$x]"`, stdout: "[]\n"},
	{name: "pipeline_while_read", script: `printf '1\n2\n3\n' | while read n; do echo "n=$n"; done`, stdout: "n=1\nn=2\nn=3\n"},
	{name: "pipeline_stderr", script: `{ echo out; echo err >&2; } 2>&1 | sort`, stdout: "err\nout\n"},

	// Lists.
	{name: "and_or", script: `true && echo a; false && echo b; false || echo c; true || echo d`, stdout: "a\nc\n"},
	{name: "and_or_chain", script: `false && echo a || echo b && echo c`, stdout: "b\nc\n"},
	{name: "background_wait", script: `(sleep 0.1; echo bg) & echo fg; wait; echo done`, stdout: "fg\nbg\ndone\n"},
	{name: "wait_status", script: `(exit 7) & wait $!; echo $?`, stdout: "7\n"},
	{name: "wait_unknown", script: `wait 99999; echo $?`, stdout: "127\n"},
	{name: "background_stdin_null", script: `cat & wait`, stdin: "input\n", stdout: ""},

	// Subshells and groups.
	{name: "subshell_exit", script: `(exit 5); echo $?`, stdout: "5\n"},
	{name: "subshell_isolation", script: `x=1; (x=2; cd /; echo $x); echo $x`, stdout: "2\n1\n"},
	{name: "group", script: `{ echo a; echo b; } > f; cat f`, stdout: "a\nb\n"},
	{name: "group_vars", script: `x=1; { x=2; }; echo $x`, stdout: "2\n"},
	{name: "subshell_exit_in_group", script: `( echo in; exit 3; echo no ); echo "st=$?"`, stdout: "in\nst=3\n"},

	// Redirections.
	{name: "redir_out_in", script: `echo hi > f; cat < f`, stdout: "hi\n"},
	{name: "redir_append", script: `echo a > f; echo b >> f; cat f`, stdout: "a\nb\n"},
	{name: "redir_stderr", script: `nosuch 2>/dev/null; echo $?`, stdout: "127\n"},
	{name: "redir_dup", script: `echo err 1>&2`, stderr: `^err\n$`},
	{name: "redir_fd_swap", script: `exec 3>&1 1>&2 2>&3; echo to_stderr; echo to_stdout >&2`, stdout: "to_stdout\n", stderr: `^to_stderr\n$`},
	{name: "redir_exec_fd", script: `exec 3>f; echo one >&3; echo two >&3; exec 3>&-; cat f`, stdout: "one\ntwo\n"},
	{name: "redir_close", script: `echo hi >&-; echo $?`, stdout: "1\n", stderr: `^sh: 1: echo: echo: I/O error\n$`},
	{name: "redir_rw", script: `echo abc > f; exec 4<>f; read x <&4; echo $x`, stdout: "abc\n"},
	{name: "redir_clobber", script: `set -C; echo a > f; echo b > f; echo $?; echo c >| f; cat f`, stdout: "2\nc\n", stderr: `^sh: 1: cannot create f: File exists\n$`},
	{name: "redir_missing", script: `cat < /nonexistent; echo $?`, stdout: "2\n", stderr: `^sh: 1: cannot open /nonexistent: No such file\n$`},
	{name: "redir_nodir", script: `echo x > /nonexistent/f; echo $?`, stdout: "2\n", stderr: `^sh: 1: cannot create /nonexistent/f: Directory nonexistent\n$`},
	{name: "redir_builtin_restored", script: `echo a > f; echo b; cat f`, stdout: "b\na\n"},
	{name: "redir_bad_fd", script: `echo x >&7; echo $?`, stdout: "2\n", stderr: `^sh: 1: 7: Bad file descriptor\n$`},
	{name: "redir_loop", script: `for i in 1 2; do echo $i; done > f; cat f`, stdout: "1\n2\n"},
	{name: "redir_input_while", script: `printf 'x\ny\n' > f; while read l; do echo "<$l>"; done < f`, stdout: "<x>\n<y>\n"},

	// Here-documents.
	{name: "heredoc", script: "x=World\ncat <<EOF\nHello $x\n\\$x $((1+1))\nEOF", stdout: "Hello World\n$x 2\n"},
	{name: "heredoc_quoted", script: "cat <<'EOF'\n$x `y` \\n\nEOF", stdout: "$x `y` \\n\n"},
	{name: "heredoc_tabs", script: "cat <<-EOF\n\tindented\n\t\tmore\n\tEOF", stdout: "indented\nmore\n"},
	{name: "heredoc_large", script: "cat <<EOF | wc -c\n" + strings.Repeat(strings.Repeat("x", 99)+"\n", 1000) + "EOF", stdout: "100000\n"},
	{name: "heredoc_two", script: "cat <<A; cat <<B\na\nA\nb\nB", stdout: "a\nb\n"},
	{name: "heredoc_read", script: "read a b <<EOF\n  one two three \nEOF\necho \"[$a][$b]\"", stdout: "[one][two three]\n"},

	// Globbing.
	{name: "glob", script: `touch b.txt a.txt c.log; echo *.txt; echo *`, stdout: "a.txt b.txt\na.txt b.txt c.log\n"},
	{name: "glob_nomatch", script: `echo *.none`, stdout: "*.none\n"},
	{name: "glob_quoted", script: `touch a; echo "*" '*' \*`, stdout: "* * *\n"},
	{name: "glob_bracket", script: `touch a1 a2 b1; echo a[12] [!a]1 ?1`, stdout: "a1 a2 b1 a1 b1\n"},
	{name: "glob_dotfiles", script: `touch .hidden vis; echo *; echo .h*`, stdout: "vis\n.hidden\n"},
	{name: "glob_dirs", script: `mkdir -p d1/x d2/y; touch d1/x/f d2/y/f; echo d*/*/f`, stdout: "d1/x/f d2/y/f\n"},
	{name: "glob_noglob", script: `touch a; set -f; echo *`, stdout: "*\n"},
	{name: "glob_from_var", script: `touch a.c b.c; p='*.c'; echo $p "$p"`, stdout: "a.c b.c *.c\n"},

	// Control flow.
	{name: "if_elif", script: `x=2; if [ $x = 1 ]; then echo one; elif [ $x = 2 ]; then echo two; else echo other; fi`, stdout: "two\n"},
	{name: "if_false_status", script: `if false; then :; fi; echo $?`, stdout: "0\n"},
	{name: "while", script: `i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done`, stdout: "0\n1\n2\n"},
	{name: "until", script: `i=0; until [ $i -ge 2 ]; do i=$((i+1)); done; echo $i`, stdout: "2\n"},
	{name: "for_break_continue", script: `for i in 1 2 3 4 5; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done`, stdout: "1\n3\n"},
	{name: "nested_break", script: `for i in 1 2; do for j in a b; do echo $i$j; break 2; done; done`, stdout: "1a\n"},
	{name: "case", script: `for w in apple banana cherry x; do case $w in a*) echo A;; b*|c*) echo BC;; *) echo other;; esac; done`, stdout: "A\nBC\nBC\nother\n"},
	{name: "case_quoted", script: `x='*'; case a in "$x") echo lit;; *) echo star;; esac; case '*' in "$x") echo lit;; esac`, stdout: "star\nlit\n"},
	{name: "case_bracket", script: `case 5 in [0-9]) echo digit;; esac; case b in [!a]) echo nota;; esac`, stdout: "digit\nnota\n"},

	// Functions.
	{name: "function", script: `f() { echo "f:$1:$#"; }; f a b; f`, stdout: "f:a:2\nf::0\n"},
	{name: "function_positional_restored", script: `set -- x y; f() { set -- 1 2 3; echo $#; }; f; echo $# $1`, stdout: "3\n2 x\n"},
	{name: "function_return", script: `f() { return 7; echo no; }; f; echo $?`, stdout: "7\n"},
	{name: "function_recursion", script: `fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1-1))) )); fi; }; fact 6`, stdout: "720\n"},
	{name: "function_globals", script: `f() { g=set; }; f; echo $g`, stdout: "set\n"},
	{name: "function_local", script: `x=out; f() { local x=in; echo $x; }; f; echo $x`, stdout: "in\nout\n"},
	{name: "function_redirect", script: `f() { echo in f; } > f.out; f; cat f.out`, stdout: "in f\n"},
	{name: "function_in_pipeline", script: `f() { while read l; do echo "f$l"; done; }; printf '1\n2\n' | f`, stdout: "f1\nf2\n"},

	// set -e, -x.
	{name: "errexit", script: `set -e; true; false; echo no`, status: 1},
	{name: "errexit_conditions", script: `set -e; if false; then :; fi; false || true; ! true; false && true; echo yes`, stdout: "yes\n"},
	{name: "errexit_subshell", script: `set -e; (false); echo no`, status: 1},
	{name: "errexit_pipeline", script: `set -e; false | true; echo yes; true | false; echo no`, stdout: "yes\n", status: 1},
	{name: "xtrace", script: `set -x; echo a "b c"`, stdout: "a b c\n", stderr: `^\+ echo a b c\n$`},

	// Traps and signals.
	{name: "trap_exit", script: `trap 'echo bye' EXIT; echo hi`, stdout: "hi\nbye\n"},
	{name: "trap_exit_status", script: `trap 'echo bye $?' EXIT; exit 3`, stdout: "bye 3\n", status: 3},
	{name: "trap_int", script: `trap 'echo caught' INT; kill -INT $$; echo after`, stdout: "caught\nafter\n"},
	{name: "kill_self_int", script: `kill -INT $$; echo after`, status: 130},
	{name: "trap_term", script: `trap 'echo term; exit 9' TERM; kill $$; echo no`, stdout: "term\n", status: 9},
	{name: "trap_ignore", script: `trap '' INT; kill -INT $$; echo survived`, stdout: "survived\n"},
	{name: "trap_ignore_inherited", script: `trap '' TERM; sh -c 'kill $$; echo child survived'`, stdout: "child survived\n"},
	{name: "trap_reset", script: `trap 'echo x' INT; trap - INT; trap`, stdout: ""},
	{name: "trap_list", script: `trap 'echo hi' INT; trap`, stdout: "trap -- 'echo hi' INT\n"},
	{name: "trap_pipe", script: `trap 'echo pipe' PIPE; trap`, stdout: "trap -- 'echo pipe' PIPE\n"},
	{name: "trap_subshell_exit", script: `( trap 'echo sub-exit' EXIT; echo in ); echo out`, stdout: "in\nsub-exit\nout\n"},
	{name: "killed_by_signal", script: `sh -c 'kill -TERM $$'; echo $?`, stdout: "143\n", stderr: `^Terminated\n$`},

	// Builtins.
	{name: "cd_pwd", script: `mkdir -p d/e; cd d/e; basename "$(pwd)"; cd ..; basename "$PWD"`, stdout: "e\nd\n"},
	{name: "cd_fail", script: `cd /nope; echo $?`, stdout: "2\n", stderr: `^sh: 1: cd: can't cd to /nope\n$`},
	{name: "cd_dash", script: `cd /; cd /tmp; cd - >/dev/null; pwd; echo $OLDPWD`, stdout: "/\n/tmp\n"},
	{name: "echo_escapes", script: `echo 'a\tb\nc'; echo -n x; echo 'y\cz'; echo`, stdout: "a\tb\nc\nxy\n"},
	{name: "printf_formats", script: `printf '%s|%5s|%-3s|%d|%05d|%x|%o|%c|%%\n' a b c 42 7 255 8 xyz`, stdout: "a|    b|c  |42|00007|ff|10|x|%\n"},
	{name: "printf_reuse", script: `printf '%s=%s\n' a 1 b 2 c`, stdout: "a=1\nb=2\nc=\n"},
	{name: "printf_b", script: `printf '%b|%s\n' 'x\ty' 'x\ty'`, stdout: "x\ty|x\\ty\n"},
	{name: "printf_badnum", script: `printf '%d\n' abc`, stdout: "0\n", stderr: `^sh: 1: printf: abc: expected numeric value\n$`, status: 1},
	{name: "test_strings", script: `[ a = a ] && echo eq; [ a != b ] && echo ne; [ -z "" ] && echo z; [ -n x ] && echo n; test ! -z x && echo not`, stdout: "eq\nne\nz\nn\nnot\n"},
	{name: "test_numbers", script: `[ 3 -gt 2 ] && echo gt; [ 2 -le 2 ] && echo le; [ 1 -eq 2 ] || echo noteq`, stdout: "gt\nle\nnoteq\n"},
	{name: "test_files", script: `touch f; mkdir d; [ -f f ] && echo f; [ -d d ] && echo d; [ -e nope ] || echo nope; [ -s f ] || echo empty`, stdout: "f\nd\nnope\nempty\n"},
	{name: "test_logic", script: `[ a = a -a b = b ] && echo and; [ a = b -o b = b ] && echo or; [ \( a = a \) ] && echo paren`, stdout: "and\nor\nparen\n"},
	{name: "test_errors", script: `test 1 -eq a; echo $?; [ 1 = 1; echo $?`, stdout: "2\n2\n", stderr: `^sh: 1: test: Illegal number: a\nsh: 1: \[: missing \]\n$`},
	{name: "read_ifs", script: `IFS=: read a b c; echo "$a|$b|$c"`, stdin: "1:2:3:4\n", stdout: "1|2|3:4\n"},
	{name: "read_raw", script: `read -r x; printf "%s\n" "$x"; read y; echo "$y"`, stdin: "a\\b\nc\\d\n", stdout: "a\\b\ncd\n"},
	{name: "read_eof", script: `read x; echo "$? [$x]"`, stdin: "partial", stdout: "1 [partial]\n"},
	{name: "read_one_line", script: `read x; echo "got $x"; cat`, stdin: "first\nsecond\n", stdout: "got first\nsecond\n"},
	{name: "read_loop_sum", script: `s=0; while read n; do s=$((s+n)); done; echo $s`, stdin: "1\n2\n3\n4\n", stdout: "10\n"},
	{name: "eval", script: `x='echo evaluated'; eval "$x"; eval 'y=$((2+3))'; echo $y`, stdout: "evaluated\n5\n"},
	{name: "eval_syntax", script: `eval "if"`, stderr: `^sh: 1: eval: Syntax error: end of file unexpected \(expecting "then"\)\n$`, status: 2},
	{name: "exec_replace", script: `exec echo replaced; echo no`, stdout: "replaced\n"},
	{name: "exec_notfound", script: `exec nope; echo no`, stderr: `^sh: 1: exec: nope: not found\n$`, status: 127},
	{name: "dot_source", script: `echo 'v=sourced; echo in $1' > s.sh; . ./s.sh; echo $v`, stdout: "in\nsourced\n"},
	{name: "dot_missing", script: `. /nonexistent; echo no`, stderr: `^sh: 1: \.: cannot open /nonexistent: No such file\n$`, status: 2},
	{name: "export_env", script: `export A=1; B=2; C=3 sh -c 'echo $A $B $C'`, stdout: "1 3\n"},
	{name: "export_list", script: `export ZZZ=1; export -p | grep ZZZ`, stdout: "export ZZZ='1'\n"},
	{name: "unset", script: `x=1; unset x; echo "[${x-unset}]"; f() { :; }; unset -f f; f`, stdout: "[unset]\n", stderr: `^sh: 1: f: not found\n$`, status: 127},
	{name: "readonly", script: `readonly r=1; r=2; echo no`, stderr: `^sh: 1: r: is read only\n$`, status: 2},
	{name: "umask", script: `umask 027; umask; umask -S`, stdout: "0027\nu=rwx,g=rx,o=\n"},
	{name: "umask_files", script: `umask 077; : > f; ls -l f | cut -c1-10`, stdout: "-rw-------\n"},
	{name: "command_v", script: `command -v cd; command -v cat; f() { :; }; command -v f; command -v nope || echo missing`, stdout: "cd\n/bin/cat\nf\nmissing\n"},
	{name: "type", script: `type cd exit; f() { :; }; type f; type nope`, stdout: "cd is a shell builtin\nexit is a special shell builtin\nf is a shell function\nnope: not found\n", status: 127},
	{name: "kill_list", script: `kill -l 130; kill -l 15`, stdout: "INT\nTERM\n"},
	{name: "set_options", script: `set -e -u; echo $- | grep -q e && echo e; set +e; echo $- | grep -q e || echo noe`, stdout: "e\nnoe\n"},
	{name: "getopts", script: `set -- -a -b val c; while getopts ab: o; do echo "$o ${OPTARG-}"; done; shift $((OPTIND-1)); echo $1`, stdout: "a \nb val\nc\n"},
	{name: "assign_prefix_temp", script: `x=1; x=2 true; echo $x; y=5 sh -c 'echo $y'; echo "[$y]"`, stdout: "1\n5\n[]\n"},
	{name: "tilde", script: `HOME=/h; echo ~ ~/x a~; x=~/y; echo $x`, stdout: "/h /h/x a~\n/h/y\n"},

	// More edge cases.
	{name: "case_fallthrough_empty", script: `case x in x) ;; esac; echo $?`, stdout: "0\n"},
	{name: "case_multi_patterns_var", script: `p=b; case abc in a$p*) echo yes;; esac`, stdout: "yes\n"},
	{name: "while_status", script: `while false; do :; done; echo $?`, stdout: "0\n"},
	{name: "for_positional", script: `set -- x y; for a; do echo $a; done`, stdout: "x\ny\n"},
	{name: "for_glob", script: `touch 1.t 2.t; for f in *.t; do echo "f=$f"; done`, stdout: "f=1.t\nf=2.t\n"},
	{name: "nested_quotes_subst", script: `echo "$(echo "a  b")"`, stdout: "a  b\n"},
	{name: "cmdsubst_exit_in_subshell", script: `x=$(echo a; exit 3; echo b); echo "$x $?"`, stdout: "a 3\n"},
	{name: "arith_nested_subst", script: `echo $(( $(echo 6) * 7 ))`, stdout: "42\n"},
	{name: "arith_compare_chain", script: `a=5; echo $(( a > 3 && a < 10 )) $(( !a )) $(( a ^ 1 )) $(( a | 2 )) $(( a & 4 ))`, stdout: "1 0 4 7 4\n"},
	{name: "arith_paste_text", script: `y=1+2; echo $(($y*2)); echo $((y*2))`, stdout: "5\n", stderr: `^sh: 1: Illegal number: 1\+2\n$`, status: 2},
	{name: "arith_paste_error_text", script: `y=1+; echo $(( $y ))`, stderr: `^sh: 1: arithmetic expression: expecting primary: " 1\+ "\n$`, status: 2},
	{name: "arith_paste_in_function", script: `f() { echo $(($1*3)); }; eval 'g() { echo $(($1*3)); }'; f 1+1; g 2+2`, stdout: "4\n8\n"},
	{name: "arith_no_incr_pow", script: `x=1; echo $((2**3)); echo $((x++))`, stderr: `^sh: 1: arithmetic expression: expecting primary: "2\*\*3"\n$`, status: 2},
	{name: "arith_no_comma", script: `echo $((1,2))`, stderr: `^sh: 1: arithmetic expression: expecting EOF: "1,2"\n$`, status: 2},
	{name: "arith_unset_nounset", script: `set -u; echo $((u+1)) $((99999999999999999999)) $((0 && (v=1))) ${v-unset}`, stdout: "1 9223372036854775807 0 unset\n"},
	{name: "printf_invalid_directive", script: `printf 'a%qb\n' x; echo $?; printf 'a%ld\n' 1; echo $?; printf '%5'; echo $?`, stdout: "a2\na2\n2\n", stderr: `^sh: 1: printf: %q: invalid directive\nsh: 1: printf: %l: invalid directive\nsh: 1: printf: missing format character\n$`},
	{name: "printf_partial_number", script: `printf '%d|%.1f|%d|%x\n' 3x 2.5y 99999999999999999999 0x1F; echo $?`, stdout: "3|2.5|9223372036854775807|1f\n1\n", stderr: `^sh: 1: printf: 3x: not completely converted\nsh: 1: printf: 2.5y: not completely converted\nsh: 1: printf: 99999999999999999999: Numerical result out of range\n$`},
	{name: "printf_float_forms", script: `printf '%f %g %.1f|%5f|\n' inf 0x10 -0x1.8 nan`, stdout: "inf 16 -1.5|  nan|\n"},
	{name: "printf_c_empty_option", script: `printf '%c|' ''; printf -v x; echo $?`, stdout: "\x00|2\n", stderr: `^sh: 1: printf: Illegal option -v\n$`},
	{name: "echo_printf_b_octal", script: `echo '\101|\0101|\1234'; printf '%b\n' '\101|\0101'`, stdout: "A|A|S4\nA|A\n"},
	{name: "test_unexpected_operator", script: `[ a == a ]; echo $?; [ a b c ]; echo $?`, stdout: "2\n2\n", stderr: `^sh: 1: \[: a: unexpected operator\nsh: 1: \[: a: unexpected operator\n$`},
	{name: "test_argument_expected", script: `[ 1 -eq ]; echo $?; [ 1 -eq 2 -a ]; echo $?; [ -n a -o ]; echo $?`, stdout: "2\n1\n0\n", stderr: `^sh: 1: \[: -eq: argument expected\n$`},
	{name: "return_large", script: `f() { return 300; }; f; echo $?; f`, stdout: "300\n", status: 44},
	{name: "trap_illegal_option", script: `trap -p; echo no`, stderr: `^sh: 1: trap: Illegal option -p\n$`, status: 2},
	{name: "error_unset_or_null", script: `x=; echo ${x:?}`, stderr: `^sh: 1: x: parameter not set or null\n$`, status: 2},
	{name: "kill_bad_signal", script: `kill -s NOSUCH $$; echo $?; kill -NOSUCH $$; echo $?; kill -s; echo $?`, stdout: "2\n2\n2\n", stderr: `^sh: 1: kill: invalid signal number or name: NOSUCH\nsh: 1: kill: Illegal option -N\nsh: 1: kill: No arg for -s option\n$`},
	{name: "path_default", script: `env -u PATH sh -c 'echo $PATH; env | grep -c ^PATH='`, stdout: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n0\n", status: 1},
	{name: "arith_expecting_primary", script: `echo $((2+))`, stderr: `^sh: 1: arithmetic expression: expecting primary: "2\+"\n$`, status: 2},
	{name: "redir_order", script: `ls /nonexistent-dir 2>&1 >/dev/null | wc -l`, stdout: "1\n"},
	{name: "redir_heredoc_fd", script: "cat 3<<EOF <&3\nvia three\nEOF", stdout: "via three\n"},
	{name: "redir_group_stdin", script: `printf 'a\nb\n' > f; { read x; read y; echo "$y$x"; } < f`, stdout: "ba\n"},
	{name: "exec_stdin_file", script: `printf 'l1\nl2\n' > f; exec < f; read a; read b; echo "$b $a"`, stdout: "l2 l1\n"},
	{name: "subshell_traps_reset", script: `trap 'echo parent' EXIT; (echo child); echo end`, stdout: "child\nend\nparent\n"},
	{name: "errexit_function", script: `set -e; f() { false; echo no; }; f; echo no2`, status: 1},
	{name: "errexit_in_condition_function", script: `set -e; f() { false; echo yes; }; if f; then echo then; fi`, stdout: "yes\nthen\n"},
	{name: "errexit_cmdsubst_assign", script: `set -e; x=$(false); echo no`, status: 1},
	{name: "errexit_and_last", script: `set -e; true && false; echo no`, status: 1},
	{name: "noexec_style_colon", script: `: ${x:=assigned}; echo $x`, stdout: "assigned\n"},
	{name: "unset_ifs", script: `unset IFS; x='a b'; set -- $x; echo $#`, stdout: "2\n"},
	{name: "read_multiple_vars_less", script: `read a b c; echo "[$a][$b][$c]"`, stdin: "one\n", stdout: "[one][][]\n"},
	{name: "read_backslash_continuation", script: `read x; echo "$x"`, stdin: "a\\\nb\n", stdout: "ab\n"},
	{name: "echo_n_combined", script: `echo -n a b; echo -n; echo c`, stdout: "a bc\n"},
	{name: "echo_octal", script: `echo '\0101\0102'`, stdout: "AB\n"},
	{name: "printf_octal_escape", script: `printf '\101\t%s\n' z`, stdout: "A\tz\n"},
	{name: "printf_char_code", script: `printf '%d %d\n' "'A" '"a'`, stdout: "65 97\n"},
	{name: "printf_width_star", script: `printf '[%*d][%.3s]\n' 4 7 abcdef`, stdout: "[   7][abc]\n"},
	{name: "printf_float", script: `printf '%.2f %e\n' 3.14159 1234.5`, stdout: "3.14 1.234500e+03\n"},
	{name: "test_not_and_parens", script: `[ ! a = b ] && echo ok; [ "(" = "(" ] && echo p`, stdout: "ok\np\n"},
	{name: "test_unary_op_error", script: `[ a b ]; echo $?`, stdout: "2\n", stderr: `^sh: 1: \[: a: unexpected operator\n$`},
	{name: "test_file_compare", script: `touch a; [ a -ef a ] && echo same; [ -x a ] || echo notexec`, stdout: "same\nnotexec\n"},
	{name: "dollar_hash_in_function", script: `f() { echo $#; }; f a b c`, stdout: "3\n"},
	{name: "function_break_outer_loop", script: `for i in 1 2 3; do echo $i; [ $i = 2 ] && break; done; echo after`, stdout: "1\n2\nafter\n"},
	{name: "return_from_dot", script: `printf 'echo a\nreturn 3\necho b\n' > s; . ./s; echo $?`, stdout: "a\n3\n"},
	{name: "eval_positional", script: `set -- a b; eval 'echo $2 $1'`, stdout: "b a\n"},
	{name: "eval_status", script: `false; eval 'echo $?'; eval ''; echo $?`, stdout: "1\n0\n"},
	{name: "kill_no_such_process", script: `kill 999999; echo $?`, stdout: "1\n", stderr: `^sh: 1: kill: No such process\n\n$`},
	{name: "background_last_pid_wait", script: `sh -c 'exit 9' & p=$!; wait $p; echo $?`, stdout: "9\n"},
	{name: "wait_all_then_status", script: `(exit 1) & (exit 2) & wait; echo $?`, stdout: "0\n"},
	{name: "pipeline_in_background", script: `echo x | cat > f & wait; cat f`, stdout: "x\n"},
	{name: "yes_head_many", script: `yes abc | head -n 3 | cat`, stdout: "abc\nabc\nabc\n"},
	{name: "long_pipeline_data", script: `seq 1 20000 | cat | cat | wc -l`, stdout: "20000\n"},
	{name: "cmdsubst_large", script: `x=$(seq 1 30000); echo ${#x}`, stdout: "168893\n"},
	{name: "var_in_heredoc_cmdsubst", script: "cat <<EOF\n$(echo sub) ${u:-def}\nEOF", stdout: "sub def\n"},
	{name: "special_builtin_assign_persists", script: `x=1 :; echo $x`, stdout: "1\n"},
	{name: "glob_char_class", script: `touch a1 b2 C3; echo [[:lower:]][[:digit:]]`, stdout: "a1 b2\n"},
	{name: "glob_slash_pattern", script: `mkdir -p x/y; touch x/y/z; echo x/*/z */y`, stdout: "x/y/z x/y\n"},
	{name: "glob_escaped", script: `touch 'a*b' axb; echo a\*b`, stdout: "a*b\n"},
	{name: "star_at_join_default", script: `set -- a b; x="$*"; y=$@; echo "$x|$y"`, stdout: "a b|a b\n"},
	{name: "length_positional", script: `set -- abc; echo ${#1} ${#}`, stdout: "3 1\n"},
	{name: "assign_no_split", script: `x='a   b'; y=$x; echo "$y"`, stdout: "a   b\n"},
	{name: "line_numbers", script: "echo a\necho b\nnope", stdout: "a\nb\n", stderr: `^sh: 3: nope: not found\n$`, status: 127},
	{name: "stdin_script_read", script: `printf 'read x\nhello\necho got $x\n' | sh`, stdout: "got\n", stderr: `^sh: 2: hello: not found\n$`},
	{name: "umask_inherited", script: `umask 022; sh -c umask`, stdout: "0022\n"},
	{name: "exec_in_subshell_fd", script: `(exec 1>f; echo inside); echo outside; cat f`, stdout: "outside\ninside\n"},
	{name: "pwd_after_cd_dotdot", script: `mkdir -p a/b; cd a/b; cd ../..; basename $PWD`, stdout: "work\n"},
	{name: "set_dashdash", script: `set -- -x -y; echo $1 $#`, stdout: "-x 2\n"},
	{name: "continue_in_while", script: `i=0; while [ $i -lt 5 ]; do i=$((i+1)); [ $((i%2)) = 0 ] && continue; echo $i; done`, stdout: "1\n3\n5\n"},
	{name: "until_break", script: `until false; do echo once; break; done`, stdout: "once\n"},
	{name: "nested_functions", script: `outer() { inner() { echo inner $1; }; inner $1; }; outer z; inner y`, stdout: "inner z\ninner y\n"},

	{name: "sh_missing_file", script: `sh /nonexistent; echo $?`, stdout: "2\n", stderr: `^sh: 0: cannot open /nonexistent: No such file\n$`},
	{name: "exec_keeps_pid", script: `sh -c 'echo $$; exec sh -c "echo \$\$"' | uniq | wc -l`, stdout: "1\n"},
	{name: "trap_exit_not_on_signal", script: `sh -c 'trap "echo t" EXIT; kill $$'; echo $?`, stdout: "143\n", stderr: `^Terminated\n$`},
	{name: "sh_interactive_pipe", script: `echo 'echo hi' | sh -i 2>/dev/null`, stdout: "hi\n"},
	// Syntax errors.
	{name: "syntax_eof", script: `if true; then echo x`, stderr: `^sh: 1: Syntax error: end of file unexpected \(expecting "fi"\)\n$`, status: 2},
	{name: "syntax_unexpected", script: `echo a; fi`, stderr: `^sh: 1: Syntax error: "fi" unexpected\n$`, status: 2},
	{name: "syntax_quote", script: `echo "abc`, stderr: `^sh: 1: Syntax error: Unterminated quoted string\n$`, status: 2},
	{name: "syntax_later_line", script: "echo first\nif", stdout: "first\n", stderr: `^sh: 2: Syntax error: end of file unexpected \(expecting "then"\)\n$`, status: 2},

	// Scripts and sh itself.
	{name: "script_file", script: `printf 'echo "script $1 $#"\nexit 4\n' > s.sh; sh s.sh a b; echo $?`, stdout: "script a 2\n4\n"},
	{name: "script_shebangless", script: `printf 'echo no-shebang $0\n' > s; chmod +x s; ./s`, stdout: "no-shebang ./s\n"},
	{name: "sh_c_args", script: `sh -c 'echo $0 $1 $2' name one two`, stdout: "name one two\n"},
	{name: "sh_stdin", script: `echo 'echo from stdin; exit 3' | sh; echo $?`, stdout: "from stdin\n3\n"},
	{name: "nested_sh_not_found_name", script: `sh -c 'nope' myname`, stderr: `^myname: 1: nope: not found\n$`, status: 127},
}

// checkOutcome compares a run with a scenario's expectation.
func checkOutcome(t *testing.T, where string, sc scenario, got outcome) {
	t.Helper()
	if got.stdout != sc.stdout {
		t.Errorf("%s: sh -c %q: stdout = %q; want %q (stderr %q)", where, sc.script, got.stdout, sc.stdout, got.stderr)
	}
	if sc.stderr == "" {
		if got.stderr != "" {
			t.Errorf("%s: sh -c %q: stderr = %q; want empty", where, sc.script, got.stderr)
		}
	} else if !regexp.MustCompile(sc.stderr).MatchString(got.stderr) {
		t.Errorf("%s: sh -c %q: stderr = %q; want match for %q", where, sc.script, got.stderr, sc.stderr)
	}
	if got.status != sc.status {
		t.Errorf("%s: sh -c %q: status = %d; want %d (stderr %q)", where, sc.script, got.status, sc.status, got.stderr)
	}
}

// TestScenarios runs the table in gocage.
func TestScenarios(t *testing.T) {
	if len(scenarios) < 100 {
		t.Fatalf("only %d scenarios", len(scenarios))
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			checkOutcome(t, "gocage", sc, runCage(t, sc.script, sc.stdin))
		})
	}
}
