/* spin_wasi: spin.c built for plain WASI (with wasi-libc, as another
   toolchain builds it): the loader adds the import its loop checks call. */
#include "spin.c"
