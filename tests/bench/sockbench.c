// SPDX-License-Identifier: GPL-2.0
/*
 * sockbench: time socket calls that the cgroup sock_addr hooks sit on.
 *
 *   sockbench [-n N] [-c SECONDS] [-C CPU] [-v] WORKLOAD[:N]...
 *
 * For each WORKLOAD, N operations (default 10000, or the :N given with the
 * workload) are timed with CLOCK_MONOTONIC, after an untimed setup and
 * warm-up, in 16 chunks of N/16 (each with its own untimed setup); one line
 * is printed:
 *
 *   WORKLOAD N NS_PER_OP BEST_NS_PER_OP [ADDR]
 *
 * NS_PER_OP is the whole run's time over N; BEST_NS_PER_OP that of the
 * fastest chunk, which filters out the time the (emulated) CPU was taken
 * by something else.  -C pins the process to one CPU.
 *
 * -c SECONDS calibrates instead: N is doubled from 64 until a run takes at
 * least SECONDS/8, then scaled so that one run takes about SECONDS; prints
 * "WORKLOAD N".  -v adds the address the last operation produced (bound,
 * local or reported source), to check that a program really rewrote it.
 *
 * Workloads:
 *   bind4        socket(AF_INET, SOCK_DGRAM) + bind(0.0.0.0:0) + close
 *   bind6        socket(AF_INET6, SOCK_DGRAM) + bind([::]:0) + close
 *   connect4     TCP socket + connect to a 127.0.0.1 listener + accept +
 *                close both (SO_LINGER 0: no TIME_WAIT, no port exhaustion)
 *   sendto4      unconnected UDP sendto of 16 bytes to 127.0.0.1 (a
 *                receiver whose queue is full: the datagrams are dropped)
 *   recvfrom4    UDP recvfrom with the source address, of a socket filled
 *                beforehand (in untimed batches of 256)
 *   getsockname4 getsockname of a UDP socket bound to 127.0.0.1
 */
#include <arpa/inet.h>
#include <sched.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "benchsock.h"

#define CHUNKS 16

static int verbose;
static char last_addr[INET6_ADDRSTRLEN + 8] = "-";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void note(const struct sockaddr *sa)
{
	char buf[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)sa;

		inet_ntop(AF_INET, &s->sin_addr, buf, sizeof(buf));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)sa;

		inet_ntop(AF_INET6, &s->sin6_addr, buf, sizeof(buf));
	} else {
		snprintf(buf, sizeof(buf), "family%d", sa->sa_family);
	}
	snprintf(last_addr, sizeof(last_addr), "%s", buf);
}

static void note_local(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (verbose && !getsockname(fd, (struct sockaddr *)&ss, &len))
		note((struct sockaddr *)&ss);
}

/* ---- workloads: each runs n operations and returns the seconds taken ---- */

static double w_bind(long n, int family)
{
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	const struct sockaddr *sa = family == AF_INET ? (void *)&s4 : (void *)&s6;
	socklen_t len = family == AF_INET ? sizeof(s4) : sizeof(s6);
	double t0, t;
	long i;

	t0 = now();
	for (i = 0; i < n; i++) {
		int fd = socket(family, SOCK_DGRAM, 0);

		if (fd < 0)
			die("socket");
		if (bind(fd, sa, len))
			die("bind");
		if (i == n - 1)
			t = now(), note_local(fd), t0 += now() - t;
		close(fd);
	}
	return now() - t0;
}

static double w_connect4(long n)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_in sa;
	double t0, t;
	int l;
	long i;

	l = listen_lo4(&sa);
	t0 = now();
	for (i = 0; i < n; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0), a;

		if (c < 0)
			die("socket");
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		if (connect(c, (struct sockaddr *)&sa, sizeof(sa)))
			die("connect");
		a = accept(l, NULL, NULL);
		if (a < 0)
			die("accept");
		if (i == n - 1)
			t = now(), note_local(c), t0 += now() - t;
		close(c);
		close(a);
	}
	t = now() - t0;
	close(l);
	return t;
}

static double w_sendto4(long n)
{
	struct sockaddr_in sa = lo4(0);
	char buf[16] = "sockbench";
	int r, s, small = 1;
	double t0, t;
	long i;

	r = socket(AF_INET, SOCK_DGRAM, 0);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (r < 0 || s < 0)
		die("socket");
	setsockopt(r, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (bind(r, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind");
	sa = lo4(port_of(r));
	/* Fill the receiver's queue: every timed datagram is then dropped. */
	for (i = 0; i < 64; i++)
		sendto(s, buf, sizeof(buf), 0, (struct sockaddr *)&sa, sizeof(sa));
	t0 = now();
	for (i = 0; i < n; i++)
		if (sendto(s, buf, sizeof(buf), 0, (struct sockaddr *)&sa, sizeof(sa)) != sizeof(buf))
			die("sendto");
	t = now() - t0;
	if (verbose) {
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);

		while (recvfrom(r, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL) > 0)
			;
		sendto(s, buf, sizeof(buf), 0, (struct sockaddr *)&sa, sizeof(sa));
		if (recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len) > 0)
			note((struct sockaddr *)&from);
	}
	close(r);
	close(s);
	return t;
}

#define BATCH 256

static double w_recvfrom4(long n)
{
	struct sockaddr_in sa = lo4(0), from;
	int r, s, big = 4 << 20;
	char buf[16] = "sockbench";
	double total = 0, t0;
	long done = 0, i, k;

	r = socket(AF_INET, SOCK_DGRAM, 0);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (r < 0 || s < 0)
		die("socket");
	if (setsockopt(r, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(r, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (bind(r, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind");
	sa = lo4(port_of(r));
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	while (done < n) {
		k = n - done < BATCH ? n - done : BATCH;
		for (i = 0; i < k; i++)
			if (send(s, buf, sizeof(buf), 0) != sizeof(buf))
				die("send");
		t0 = now();
		for (i = 0; i < k; i++) {
			socklen_t len = sizeof(from);

			if (recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len) !=
			    sizeof(buf))
				die("recvfrom");
		}
		total += now() - t0;
		done += k;
	}
	if (verbose)
		note((struct sockaddr *)&from);
	close(r);
	close(s);
	return total;
}

static double w_getsockname4(long n)
{
	struct sockaddr_in sa = lo4(0);
	double t0, t;
	long i;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind");
	t0 = now();
	for (i = 0; i < n; i++) {
		socklen_t len = sizeof(sa);

		if (getsockname(fd, (struct sockaddr *)&sa, &len))
			die("getsockname");
	}
	t = now() - t0;
	if (verbose)
		note((struct sockaddr *)&sa);
	close(fd);
	return t;
}

static double run(const char *w, long n)
{
	if (!strcmp(w, "bind4"))
		return w_bind(n, AF_INET);
	if (!strcmp(w, "bind6"))
		return w_bind(n, AF_INET6);
	if (!strcmp(w, "connect4"))
		return w_connect4(n);
	if (!strcmp(w, "sendto4"))
		return w_sendto4(n);
	if (!strcmp(w, "recvfrom4"))
		return w_recvfrom4(n);
	if (!strcmp(w, "getsockname4"))
		return w_getsockname4(n);
	fprintf(stderr, "sockbench: unknown workload %s\n", w);
	exit(2);
}

static void usage(void)
{
	fprintf(stderr, "usage: sockbench [-n N] [-c SECONDS] [-C CPU] [-v] WORKLOAD[:N]...\n"
		"workloads: bind4 bind6 connect4 sendto4 recvfrom4 getsockname4\n");
	exit(2);
}

int main(int argc, char **argv)
{
	double calib = 0;
	long n = 10000;
	int opt, i;

	while ((opt = getopt(argc, argv, "n:c:C:v")) != -1) {
		switch (opt) {
		case 'C': {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(atoi(optarg), &set);
			if (sched_setaffinity(0, sizeof(set), &set))
				die("sched_setaffinity");
			break;
		}
		case 'n':
			n = atol(optarg);
			break;
		case 'c':
			calib = atof(optarg);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || n <= 0)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = optind; i < argc; i++) {
		char *w = argv[i], *colon = strchr(w, ':');
		long wn = n;

		if (colon) {
			*colon = 0;
			wn = atol(colon + 1);
			if (wn <= 0)
				usage();
		}

		if (calib > 0) {
			long k = 64;
			double t;

			run(w, 16);	/* warm-up */
			while ((t = run(w, k)) < calib / 8 && k < (1L << 40))
				k *= 2;
			printf("%s %ld\n", w, (long)(k * calib / t) + 1);
			continue;
		}
		run(w, wn / 50 + 1);	/* warm-up: caches, slabs, port tables */
		{
			double t = 0, best = 0;
			long done = 0, k;
			int c;

			for (c = 0; c < CHUNKS; c++) {
				double tc;

				k = (wn - done) / (CHUNKS - c);
				if (k <= 0)
					continue;
				tc = run(w, k);
				t += tc;
				done += k;
				if (!best || tc / k < best)
					best = tc / k;
			}
			printf("%s %ld %.1f %.1f", w, wn, t * 1e9 / wn, best * 1e9);
			if (verbose)
				printf(" %s", last_addr);
			printf("\n");
		}
	}
	return 0;
}
