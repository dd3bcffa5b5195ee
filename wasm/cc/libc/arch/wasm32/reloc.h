/* Programs are linked statically by wasm-ld: no dynamic relocations. */
#define LDSO_ARCH "wasm32"
#define REL_SYMBOLIC 1
#define REL_OFFSET 2
#define REL_GOT 3
#define REL_PLT 4
#define REL_RELATIVE 5
#define REL_COPY 6
#define REL_DTPMOD 7
#define REL_DTPOFF 8
#define REL_TPOFF 9
#define CRTJMP(pc,sp) __builtin_trap()
#define GETFUNCSYM(fp, sym, got) (*(fp) = (void *)0)
