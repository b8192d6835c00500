/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Raw system calls that return -errno, as musl's syscall_arch.h does.
 * Why not libc's wrappers: this code runs in every process at start-up, in a child made
 * with a raw clone (no atfork handlers, libc's state not reset) and on exit paths, where
 * only async-signal-safe calls are allowed; and every libc symbol we import costs every
 * process about 120 instructions at load (bench/README.md, item 2). One inline
 * instruction costs nothing and touches no errno.
 *
 * Elsewhere, and everywhere with JSP_RAW_SYSCALLS=0 (cmake -DJSP_RAW_SYSCALLS=OFF, which
 * tests/run-cross fallback builds on x86_64 so that this path is tested too), libc's
 * syscall(2) does it, for two imports more: syscall and errno's.
 */
#ifndef JSP_SYSCALL_ARCH_H
#define JSP_SYSCALL_ARCH_H

#include <sys/syscall.h>

#ifndef JSP_RAW_SYSCALLS
#define JSP_RAW_SYSCALLS 1
#endif

#if JSP_RAW_SYSCALLS && defined(__x86_64__)
static inline long raw_syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			     : "rcx", "r11", "memory");
	return ret;
}
#elif JSP_RAW_SYSCALLS && defined(__aarch64__)
static inline long raw_syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ __volatile__("svc 0"
			     : "=r"(x0)
			     : "r"(x8), "0"(x0), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			     : "memory", "cc");
	return x0;
}
#else
#include <errno.h>
#include <unistd.h>
/* libc's syscall(2), turned into the same -errno convention. */
static inline long raw_syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	long r = syscall(n, a, b, c, d, e, f);
	return r == -1 ? -errno : r;
}
#endif

#define SC(n, a, b, c, d, e, f) \
	raw_syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#define SC0(n) SC(n, 0, 0, 0, 0, 0, 0)
#define SC1(n, a) SC(n, a, 0, 0, 0, 0, 0)
#define SC2(n, a, b) SC(n, a, b, 0, 0, 0, 0)
#define SC3(n, a, b, c) SC(n, a, b, c, 0, 0, 0)
#define SC4(n, a, b, c, d) SC(n, a, b, c, d, 0, 0)
#define SC5(n, a, b, c, d, e) SC(n, a, b, c, d, e, 0)
#define SC6(n, a, b, c, d, e, f) SC(n, a, b, c, d, e, f)

#endif
