# Shell scenarios for dash, built from Debian's source natively and by
# gocage cc: the same script, the same output.
echo "args: $# $*"
x=1; while [ $x -le 5 ]; do printf '%d ' $x; x=$((x + 1)); done; echo
f() { echo "in f: $1"; return 3; }; f hello; echo "status $?"
case abc in a*) echo "case a*";; *) echo other;; esac
for w in one two three; do echo "$w" | wc -c; done
echo "subshell: $(echo inner | tr a-z A-Z)"
( exit 4 ); echo "subshell exit $?"
echo piped | { read line; echo "read: $line"; }
v=$(printf 'a\nb\nc\n' | wc -l); echo "lines: $v"
set -- p q r; shift; echo "after shift: $*"
echo ${undefined:-default} ${#HOME} ${HOME%/*}x
trap 'echo trapped' EXIT
sh_var=set; unset sh_var; echo "unset: ${sh_var-gone}"
i=0; until [ $i -ge 3 ]; do i=$((i+1)); done; echo "until $i"
echo "arith $(( (7 * 6) % 5 + 8 ))"
cat <<HERE
heredoc $x
HERE
false || echo "or list"; true && echo "and list"
echo redirect > out.txt; cat out.txt; rm out.txt
command -v echo
kill -0 $$ && echo "self exists"
sleep 0 & wait $!; echo "waited $?"
