/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/PID/stat, read with sys.c only: async-signal-safe, for the reaper and exit paths. */
#ifndef JSP_PROCSTAT_H
#define JSP_PROCSTAT_H

#include <stdint.h>

#define PROCSTAT_START_TIME 22 /* clock ticks since boot: with the pid, names a process */
#define PROCSTAT_ARG_START 48  /* where argv lies in the process's memory */
#define PROCSTAT_ARG_END 49

/* Reads the given fields (numbered as in proc(5), each >= 3, ascending) of /proc/PID/stat,
 * pid 0 meaning self. Returns 0, or -1 if the process is gone or a zombie (it has ended;
 * only its exit status is left) or the fields are not there. */
int procstat_read(int pid, const int *fields, uint64_t *out, int n);

/* The start time, or 0 if the process is gone or a zombie. */
uint64_t procstat_start_time(int pid);

#endif
