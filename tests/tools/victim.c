/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * victim MODE [DELAY_MS] [WORK_MS]: the program the fault tests wrap. It prints one line
 * "PARALLELISM=N pid=PID" (flushed at once, so a killer can read the pid from a file),
 * sleeps DELAY_MS, spins the CPU for WORK_MS, then ends the way MODE says:
 *   kill9 term int hup segv abort   raise that signal (segv: a real write through NULL)
 *   _exit _Exit exit return         _exit(0), _Exit(0), exit(0), return 0 from main
 *   sleep                           sleep until killed from outside (gives up after 10 s)
 *   fork50[:MODE]                   fork 50 children that end by different paths while
 *                                   the parent ends by MODE (default exit)
 *   probe                           print what the program itself can see of us: the
 *                                   result of waitpid(-1, WNOHANG), the signal lines of
 *                                   /proc/self/status (masks, handlers, pending) and
 *                                   every open fd with its target
 *   env                             edit the environment as programs do (after a claim
 *                                   in this process, environ may be the library's own
 *                                   array): print what it then holds, and exec itself
 *                                   as "env-child" to print what a child gets
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const CHILD_ENDS[] = { "exit", "_exit", "kill9", "abort", "return",
					   "term", "segv", "exec" };
#define NCHILD_ENDS (sizeof CHILD_ENDS / sizeof CHILD_ENDS[0])
/* Volatile so that the compiler cannot see the NULL and turn the write into a trap. */
static int *volatile null_page;

/* Not instrumented: under the sanitizer build UBSan would stop the program at this write
 * by abort() before the fault; this mode must end by a real SIGSEGV. */
__attribute__((no_sanitize("undefined", "address"))) static void write_null(void)
{
	*null_page = 1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void spin_ms(long ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

static void probe(void)
{
	char path[300], target[256], line[256];
	FILE *f = fopen("/proc/self/status", "r");
	DIR *d;
	struct dirent *e;
	int r = waitpid(-1, NULL, WNOHANG);

	printf("wait=%s\n", r < 0 && errno == ECHILD ? "ECHILD" : "CHILD");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "Sig", 3) || !strncmp(line, "ShdPnd", 6))
			fputs(line, stdout);
	if (f)
		fclose(f);
	/* The fd of the directory listing itself is left out: it is ours, not the library's. */
	d = opendir("/proc/self/fd");
	while (d && (e = readdir(d))) {
		ssize_t n;

		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof target - 1);
		target[n < 0 ? 0 : n] = '\0';
		printf("fd %s -> %s\n", e->d_name, target);
	}
	if (d)
		closedir(d);
}

extern char **environ;

/* The value of name in environ, and how many entries have that name. */
static const char *env_count(const char *name, int *copies)
{
	size_t len = strlen(name);
	const char *v = NULL;

	*copies = 0;
	for (char **e = environ; *e; e++)
		if (!strncmp(*e, name, len) && (*e)[len] == '=') {
			v = *e + len + 1;
			++*copies;
		}
	return v ? v : "unset";
}

/* Which mapping of /proc/self/maps holds the array environ points to: "heap" or "stack"
 * (where libc's or the kernel's are), else the file mapped there, else "anon". */
static const char *env_place(char *buf, size_t cap)
{
	unsigned long lo, hi, at = (unsigned long)environ;
	char line[512], path[400];
	FILE *f = fopen("/proc/self/maps", "r");
	const char *r = "unknown";

	while (f && fgets(line, sizeof line, f)) {
		path[0] = '\0';
		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %399s", &lo, &hi, path) < 2 ||
		    at < lo || at >= hi)
			continue;
		r = !strcmp(path, "[heap]") ? "heap" : !strcmp(path, "[stack]") ? "stack" :
		    path[0] ? strrchr(path, '/') + 1 : "anon";
		break;
	}
	snprintf(buf, cap, "%s", r);
	if (f)
		fclose(f);
	return buf;
}

static const char *const ENV_NAMES[] = { "PARALLELISM", "NEW", "PUT", "GONE", "MANY199",
					  "JOBSERVER_PRELOAD_CLAIM" };

/* One line: who, then NAME=value for each of ENV_NAMES ("unset", "(twice)" if it is). */
static void env_print(const char *who)
{
	int copies;

	printf("%s", who);
	for (unsigned i = 0; i < sizeof ENV_NAMES / sizeof ENV_NAMES[0]; i++) {
		const char *v = env_count(ENV_NAMES[i], &copies);

		printf(" %s=%s%s", ENV_NAMES[i], v, copies > 1 ? "(twice)" : "");
	}
	printf("\n");
	fflush(stdout);
}

static int env_edit(const char *self)
{
	static char put[] = "PUT=3";
	char name[16], value[16], place[256];

	printf("environ-at=%s\n", env_place(place, sizeof place));
	/* First what libc does in place, in whatever array environ is; then what adds. */
	setenv("PARALLELISM", "99", 1); /* a name the library exported */
	unsetenv("GONE");
	putenv(put);
	setenv("NEW", "1", 1);
	for (int i = 0; i < 200; i++) { /* more than any spare room: libc copies the array */
		snprintf(name, sizeof name, "MANY%d", i);
		snprintf(value, sizeof value, "%d", i);
		setenv(name, value, 0);
	}
	env_print("self");
	/* The child is this program again, not sh: in a musl process tree a glibc sh could
	 * not load the musl library that LD_PRELOAD names. */
	execlp(self, self, "env-child", (char *)NULL);
	return 127;
}

/* Ends the process as mode says; returns only for "return" (and for an unknown mode). */
static int end_by(const char *mode)
{
	fflush(stdout);
	if (!strcmp(mode, "kill9"))
		raise(SIGKILL);
	else if (!strcmp(mode, "term"))
		raise(SIGTERM);
	else if (!strcmp(mode, "int"))
		raise(SIGINT);
	else if (!strcmp(mode, "hup"))
		raise(SIGHUP);
	else if (!strcmp(mode, "segv"))
		write_null();
	else if (!strcmp(mode, "abort"))
		abort();
	else if (!strcmp(mode, "_exit"))
		_exit(0);
	else if (!strcmp(mode, "_Exit"))
		_Exit(0);
	else if (!strcmp(mode, "exit"))
		exit(0);
	else if (!strcmp(mode, "exec")) /* a new image in the child: the library runs again */
		execl("/bin/true", "true", (char *)NULL);
	else if (!strcmp(mode, "sleep")) {
		sleep_ms(10000);
		fprintf(stderr, "victim: nobody killed me within 10 s\n");
		return 1;
	} else if (strcmp(mode, "return")) {
		fprintf(stderr, "victim: unknown mode %s\n", mode);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "exit", *p = getenv("PARALLELISM");
	long delay = argc > 2 ? atol(argv[2]) : 0, work = argc > 3 ? atol(argv[3]) : 0;
	struct rlimit no_core = { 0, 0 };

	if (!strcmp(mode, "env-child")) {
		env_print("child");
		return 0;
	}
	setrlimit(RLIMIT_CORE, &no_core); /* crashes by design: no core files to write */
	/* A shell without job control starts background commands with SIGINT ignored, and
	 * make passes on an ignored SIGINT: a kill by INT must still end us. The probe shows
	 * the dispositions as the library left them, so it does not reset them. */
	if (strcmp(mode, "probe") && strcmp(mode, "env"))
		for (int sig = 1; sig < 32; sig++)
			if (sig != SIGKILL && sig != SIGSTOP)
				signal(sig, SIG_DFL);
	printf("PARALLELISM=%s pid=%d\n", p ? p : "", (int)getpid());
	fflush(stdout);
	if (!strcmp(mode, "probe")) {
		probe();
		return 0;
	}
	if (!strcmp(mode, "env"))
		return env_edit(argv[0]);
	if (!strncmp(mode, "fork50", 6)) {
		for (unsigned i = 0; i < 50; i++) {
			if (fork() == 0) { /* children outlive the parent by up to 9 ms */
				mode = CHILD_ENDS[i % NCHILD_ENDS];
				delay = i % 10;
				work = 0;
				break;
			}
		}
		if (!strncmp(mode, "fork50", 6))
			mode = mode[6] == ':' ? mode + 7 : "exit";
	}
	sleep_ms(delay);
	spin_ms(work);
	return end_by(mode);
}
