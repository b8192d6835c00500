/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seams for the bats suites, compiled in only with -DJSP_TEST_HOOKS: the test library
 * libjobserver-preload-test.so (tests/CMakeLists.txt, tests/hooks/hooks.c), which the
 * suites preload to reach paths that real timing hits too rarely to test. In the real
 * library each is a constant that the compiler folds away.
 */
#ifndef JSP_TEST_HOOKS_H
#define JSP_TEST_HOOKS_H

#ifdef JSP_TEST_HOOKS
/* JOBSERVER_PRELOAD_TEST_NOPIDFD=1: act as on a kernel without pidfd_open (before 5.3):
 * returns ENOSYS; =EPERM or =EACCES: as under a seccomp filter that denies it. Else 0. */
int hook_pidfd_error(void);
/* JOBSERVER_PRELOAD_TEST_STOP=POINT: the claiming process stops itself (SIGSTOP) there. */
void hook_stop(const char *point);
/* JOBSERVER_PRELOAD_TEST_LINGER_MS=N: a reaper with no owner waits N ms, not ms. */
int hook_linger_ms(int ms);
/* JOBSERVER_PRELOAD_TEST_TICK_MS=N: a busy reaper reads its listener every N ms. */
int hook_tick_ms(int ms);
/* JOBSERVER_PRELOAD_TEST_FIND_WAIT_MS=N: an owner waits N ms, not FIND_WAIT_MS, for a
 * reaper to listen or for a ticket (a burst of owners on a loaded 2-CPU machine). */
int hook_find_wait_ms(int ms);
/* JOBSERVER_PRELOAD_TEST_NO_ROOM=1: a claim never grows the jobserver pipe. */
int hook_no_room(void);
/* JOBSERVER_PRELOAD_TEST_NO_FAST_RELEASE=1: an owner's end never empties its vault itself
 * through /proc, and always asks the reaper. */
int hook_no_fast_release(void);
/* JOBSERVER_PRELOAD_TEST_DENY_POLL_MS=N: a reaper's ppoll answers EPERM once it has run N
 * ms, as under a seccomp filter that it did not see at its start. */
int hook_deny_poll_ms(void);
#else
static inline int hook_pidfd_error(void) { return 0; }
static inline void hook_stop(const char *point) { (void)point; }
static inline int hook_linger_ms(int ms) { return ms; }
static inline int hook_tick_ms(int ms) { return ms; }
static inline int hook_find_wait_ms(int ms) { return ms; }
static inline int hook_no_room(void) { return 0; }
static inline int hook_no_fast_release(void) { return 0; }
static inline int hook_deny_poll_ms(void) { return 0; }
#endif

#endif
