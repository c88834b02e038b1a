/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host unit tests' one assertion: CHECK(cond, fmt, ...) counts a pass,
 * or counts a failure and prints where and why; the test's main() ends
 * with "NAME: N passed, M failed" and exits non-zero on any failure.
 * Included once, by the file holding main().
 */
#ifndef CGADDR_TESTS_CHECK_H
#define CGADDR_TESTS_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("FAIL %s:%d: ", __func__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

#endif /* CGADDR_TESTS_CHECK_H */
