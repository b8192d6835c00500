/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/PID/stat, read with sys.c only: async-signal-safe, for the reaper and exit paths. */
#ifndef JSP_PROCSTAT_H
#define JSP_PROCSTAT_H

#include <stdint.h>

#define PROCSTAT_START_TIME 22 /* clock ticks since boot: with the pid, names a process */
#define PROCSTAT_ARG_START 48  /* where argv lies in the process's memory */
#define PROCSTAT_ARG_END 49

/* Reads the given fields (numbered as in proc(5), each >= 3, ascending) of /proc/PID/stat,
 * PROC_SELF (fmt.h) meaning self. Returns 0; -ESRCH if the process is gone or a zombie (it has ended;
 * only its exit status is left); -errno if the file could not be read, -JSP_E_BAD_STAT if
 * it has not the fields. */
int procstat_read(int pid, const int *fields, uint64_t *out, int n);

/* The start time, or 0 if it could not be read. */
uint64_t procstat_start_time(int pid);

/* 1 if the process pid that started at start has ended for certain: gone, a zombie, or its
 * pid now names a process started at another time. 0 if it runs, or if /proc could not tell
 * (then ask again later: a process is never taken for ended by mistake). */
int procstat_ended(int pid, uint64_t start);

#endif
