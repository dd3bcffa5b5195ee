// Package programs holds gocage's coreutils: cat, echo, printf, true,
// false, yes, seq, head, tail, wc, grep, sort, uniq, tr, cut, tee, sleep,
// basename, dirname, pwd, env, kill, test and [, ls, mkdir, rm, cp, mv,
// touch, ln, mkfifo, sed, xargs, od and xxd, each a cages.Program: a
// function of its cage handle and argv that returns an exit status.
//
// Every program does all of its input and output through gocage system
// calls (the methods of *cages.Proc): it reads and writes file
// descriptors, and it parses its own options, as GNU's getopt_long does,
// from p.Args(). Options, output formats, messages and exit statuses
// follow GNU coreutils (grep and sed: GNU grep and GNU sed) in the C.UTF-8
// locale, for the options each program documents.
//
// The package may import cages, posix and the standard library only. It
// does not import os or flag, and it holds no mutable package state: two
// kernels may run the same programs side by side.
//
// What it does not do: locales other than C.UTF-8 (sorting is byte order),
// multibyte-aware character handling beyond passing bytes through, regular
// expression back-references, and most of the options GNU's tools have
// beyond the ones each program's comment lists.
package programs

import (
	"maps"

	"github.com/gocage/gocage/cages"
)

// programs maps each utility's name to its function.
var programs = map[string]cages.Program{
	"cat": Cat, "echo": Echo, "printf": Printf, "true": True, "false": False,
	"yes": Yes, "seq": Seq, "head": Head, "tail": Tail, "wc": Wc,
	"grep": Grep, "sort": Sort, "uniq": Uniq, "tr": Tr, "cut": Cut,
	"tee": Tee, "sleep": Sleep, "basename": Basename, "dirname": Dirname,
	"pwd": Pwd, "env": Env, "kill": Kill, "test": Test, "[": Test,
	"ls": Ls, "mkdir": Mkdir, "rm": Rm, "cp": Cp, "mv": Mv, "touch": Touch,
	"ln": Ln, "mkfifo": Mkfifo, "chmod": Chmod, "rmdir": Rmdir, "expr": Expr, "tac": Tac, "whoami": Whoami, "hostname": Hostname, "uname": Uname, "date": Date, "readlink": Readlink, "sed": Sed, "xargs": Xargs, "od": Od,
	"xxd": Xxd,
}

// All returns a new map from each utility's name ("cat", "[", ...) to its
// program. The caller owns the map.
func All() map[string]cages.Program {
	return maps.Clone(programs)
}

// Install installs every utility in k at /bin/NAME.
func Install(k *cages.Kernel) error {
	for name, prog := range programs {
		if err := k.Install("/bin/"+name, prog); err != nil {
			return err
		}
	}
	return nil
}
