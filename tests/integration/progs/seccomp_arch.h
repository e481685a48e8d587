/* SPDX-License-Identifier: MIT */
/* seccomp_arch — the audit architecture a test filter checks first (0:
 * none here, and the test programs exit 77). */
#ifndef SOCKSHIM_TEST_SECCOMP_ARCH_H
#define SOCKSHIM_TEST_SECCOMP_ARCH_H

#include <linux/audit.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#define ARCH 0
#endif

#endif
