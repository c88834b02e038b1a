// SPDX-License-Identifier: GPL-2.0
/*
 * cgaddr run: one command, and everything it starts, in a fresh cgroup
 * pinned as cgaddr pin pins (the in-kernel way of what LD_PRELOAD shims
 * and `ip vrf exec` do).
 *
 * The cgroup is made below the caller's own (or --parent's) and pinned
 * before the command is started in it: the child joins it and only then
 * runs the command.  When the last process of the cgroup has exited, the
 * pin and the cgroup are removed and cgaddr run ends as the command did
 * (its exit status, or the same signal).  Signals sent to cgaddr run go to
 * the command; those the terminal sends reach it directly.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cmd.h"
#include "pin.h"
#include "run_cmd.h"
#include "util.h"

#define RUN_USAGE \
	"cgaddr run [--ipv4 ADDR] [--ipv6 ADDR] [--ports LO-HI] [--strict] [--bind-only]\n" \
	"                  [--parent CGROUP] -- COMMAND [ARG]...\n"

static const char run_help[] =
"Usage: " RUN_USAGE
"\n"
"Runs COMMAND, and every process it starts, in a new cgroup pinned to the\n"
"addresses as 'cgaddr pin' pins (see cgaddr pin --help for --ipv4, --ipv6,\n"
"--ports, --strict and --bind-only): servers that bind the wildcard get the\n"
"address, clients' connections and datagrams leave from it.  The program is\n"
"unchanged: no LD_PRELOAD, so static binaries, setuid programs and cleared\n"
"environments are pinned too.\n"
"\n"
"  --parent CGROUP  make the cgroup below CGROUP (default: below the caller's\n"
"                   own cgroup, as /proc/self/cgroup names it)\n"
"\n"
"The cgroup is PARENT/cgaddr-run-PID.  It is pinned before COMMAND starts in\n"
"it; once its last process has exited (COMMAND's daemons included), the pin\n"
"and the cgroup are removed.  cgaddr run exits with COMMAND's status, or\n"
"is killed by the signal that killed it.  Signals sent to cgaddr run\n"
"(SIGTERM, SIGINT, SIGHUP, ...) are passed to COMMAND, or after it has\n"
"ended to the processes left in the cgroup.  Needs what pin needs\n"
"(CAP_NET_ADMIN) and the right to make cgroups below the parent.  Under\n"
"systemd, 'systemd-run --scope -p Delegate=yes cgaddr run ...' gives it a\n"
"delegated scope of its own.\n";

static volatile sig_atomic_t run_child;		/* the command's pid, 0 once reaped */
static int run_procs_fd = -1;			/* the cgroup's cgroup.procs */

/* Send @sig on to the command, or to what is left of the cgroup. */
static void forward(int sig, siginfo_t *info, void *uc)
{
	char buf[4096];
	ssize_t n;
	char *p;

	/* The terminal's signals went to the whole foreground group already. */
	if (info->si_code != SI_USER && info->si_code != SI_QUEUE)
		return;
	if (run_child > 0) {
		kill(run_child, sig);
		return;
	}
	if (run_procs_fd < 0 || lseek(run_procs_fd, 0, SEEK_SET) < 0)
		return;
	n = read(run_procs_fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (p = buf; *p;) {
		pid_t pid = (pid_t)strtol(p, &p, 10);

		if (pid > 0)
			kill(pid, sig);
		while (*p == '\n')
			p++;
	}
}

static const int forwarded[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGALRM,
};

static void signals_forward(bool on)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	if (on) {
		sa.sa_sigaction = forward;
		sa.sa_flags = SA_SIGINFO | SA_RESTART;
	} else {
		sa.sa_handler = SIG_DFL;
	}
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaction(forwarded[i], &sa, NULL);
}

/* The caller's cgroup v2 path, relative to the mount (malloc()ed), or NULL. */
static char *own_cgroup(void)
{
	char line[4096], *path = NULL;
	FILE *f = fopen("/proc/self/cgroup", "re");
	size_t n;

	if (!f) {
		err("run: /proc/self/cgroup: %s", strerror(errno));
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::/", 4))
			continue;
		n = strlen(line);
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		path = strdup(line + 4);
		break;
	}
	fclose(f);
	if (!path)
		err("run: this process is in no cgroup v2 (is cgroup2 mounted?)");
	return path;
}

/* Waits until the cgroup at @dir has no process left. */
static void wait_empty(const char *dir)
{
	char path[4096], buf[256];
	struct pollfd pfd;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.events", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	for (;;) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			break;
		buf[n] = '\0';
		if (strstr(buf, "populated 0"))
			break;
		/* cgroup.events signals a change with POLLPRI; re-read on a timeout too. */
		pfd.fd = fd;
		pfd.events = POLLPRI;
		poll(&pfd, 1, 1000);
	}
	close(fd);
}

/* In the child: join the cgroup, then become the command. */
static void child(const char *dir, char **cmd)
{
	char path[4096];
	int fd;

	signals_forward(false);
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1) {
		fprintf(stderr, "cgaddr: run: cannot join %s: %s\n", dir, strerror(errno));
		_exit(127);
	}
	close(fd);
	execvp(cmd[0], cmd);
	fprintf(stderr, "cgaddr: run: %s: %s\n", cmd[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

int do_run(int argc, char **argv)
{
	const char *ip4 = NULL, *ip6 = NULL, *ports = NULL, *parent = NULL, *mnt;
	const char **valued[] = { &ip4, &ip6, &ports, &parent };
	static const char *const names[] = { "--ipv4", "--ipv6", "--ports", "--parent" };
	char *base = NULL, *dir = NULL, *rel = NULL, path[4096];
	bool strict = false, bind_only = false;
	int i, status = 0, ret;
	size_t k;
	pid_t pid;

	if (opt_help || (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "help")))) {
		fputs(run_help, stdout);
		return 0;
	}
	if (opt_dry_run || opt_json)
		return usage_err("run: --dry-run and --json do not apply");
	for (i = 0; i < argc && argv[i][0] == '-'; i++) {
		for (k = 0; k < ARRAY_SIZE(names) && strcmp(argv[i], names[k]); k++)
			;
		if (k < ARRAY_SIZE(names)) {
			if (i + 1 >= argc)
				return usage_err("run: %s needs a value", names[k]);
			if (*valued[k])
				return usage_err("run: %s given twice", names[k]);
			*valued[k] = argv[++i];
		} else if (!strcmp(argv[i], "--strict")) {
			strict = true;
		} else if (!strcmp(argv[i], "--bind-only")) {
			bind_only = true;
		} else {
			return usage_err("run: unknown option '%s'.  Usage: " RUN_USAGE, argv[i]);
		}
	}
	if (i == argc)
		return usage_err("run: no command given.  Usage: " RUN_USAGE);
	if (!ip4 && !ip6)
		return usage_err("run: give the address to pin to: --ipv4 ADDR and/or --ipv6 ADDR");
	mnt = cgroup2_mount();
	if (!mnt) {
		err("run: no cgroup v2 hierarchy is mounted");
		return -ENOENT;
	}

	base = parent ? strdup(parent) : own_cgroup();
	if (!base)
		return -ENOMEM;
	if (base[0] == '/' && !strncmp(base, mnt, strlen(mnt)))
		memmove(base, base + strlen(mnt), strlen(base + strlen(mnt)) + 1);
	while (*base == '/')
		memmove(base, base + 1, strlen(base));
	if (asprintf(&rel, "%s%scgaddr-run-%d", base, *base ? "/" : "", (int)getpid()) < 0 ||
	    asprintf(&dir, "%s/%s", mnt, rel) < 0) {
		err("out of memory");
		ret = -ENOMEM;
		goto out_free;
	}
	if (mkdir(dir, 0755)) {
		ret = -errno;
		err("run: cannot make the cgroup %s: %s", dir, strerror(errno));
		goto out_free;
	}
	ret = pin_quietly(rel, ip4, ip6, ports, strict, bind_only);
	if (ret)
		goto out_rmdir;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	run_procs_fd = open(path, O_RDONLY | O_CLOEXEC);

	fflush(NULL);
	signals_forward(true);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		err("run: fork: %s", strerror(errno));
		signals_forward(false);
		goto out_unpin;
	}
	if (pid == 0)
		child(dir, argv + i);
	run_child = pid;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	run_child = 0;
	/* What the command left running (daemons) still holds the pin. */
	wait_empty(dir);
	signals_forward(false);
	ret = 0;

out_unpin:
	if (unpin_quietly(rel))
		ret = ret ?: -EIO;
out_rmdir:
	if (run_procs_fd >= 0)
		close(run_procs_fd);
	if (rmdir(dir) && !ret) {
		err("run: cannot remove the cgroup %s: %s", dir, strerror(errno));
		ret = -errno;
	}
out_free:
	free(base);
	free(rel);
	free(dir);
	if (ret)
		return ret;
	fflush(NULL);
	if (WIFSIGNALED(status)) {
		/* End as the command did: the same signal, without a core dump of ours. */
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
		exit(128 + WTERMSIG(status));
	}
	exit(WEXITSTATUS(status));
}
