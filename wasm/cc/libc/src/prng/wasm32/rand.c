/* rand and srand are glibc's random and srandom: see random.c. */
