// SPDX-License-Identifier: GPL-2.0
/*
 * insbench: the socket calls that the cgroup sock_addr hooks sit on, one
 * at a time between the markers of the instruction-counting plugin
 * (marker.h, plugin.c).  Static, runs in the QEMU guest.
 *
 *   insbench [-r ROUNDS] [-n CALLS] WORKLOAD...
 *
 * For each WORKLOAD, ROUNDS + 1 batches of CALLS calls (round 0 warms up
 * caches, slabs and port tables, and is to be dropped); after each batch
 * a FLUSH marker makes the plugin log the batch's sum, and one line goes
 * to stdout, in the same order:
 *
 *   INS WORKLOAD ROUND CALLS
 *
 * Only the one system call is between the markers: the `syscall`
 * instruction (arm64: `svc #0`) itself and everything the kernel does until it returns to
 * user mode.  Setup and teardown of each call (socket, close, accept, the
 * datagrams recvfrom reads) run outside them.
 *
 * Workloads: those of sockbench.c, counting the call each is about, and
 * UDP connect:
 *   bind4        bind(0.0.0.0:0) of a new UDP socket
 *   bind6        bind([::]:0) of a new UDP socket
 *   connect4     TCP connect to a 127.0.0.1 listener (the handshake runs
 *                within the call, over loopback)
 *   uconnect4    UDP connect to 127.0.0.1 of a new socket (autobind)
 *   sendto4      unconnected UDP sendto of 16 bytes to 127.0.0.1 (the
 *                receiver's queue is full: the datagram is dropped)
 *   recvfrom4    UDP recvfrom with the source address, of a queued datagram
 *   getsockname4 getsockname of a UDP socket bound to 127.0.0.1
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../benchsock.h"

#include "marker.h"

static long rounds = 5, calls = 400;

/*
 * A system call between START and STOP.  Raw, so that nothing of libc's
 * wrapper is counted and the count does not depend on the libc.
 */
#if defined(__aarch64__)
static long msys(long nr, long a, long b, long c, long d, long e, long f)
{
	register long x8 asm("x8") = nr;
	register long x0 asm("x0") = a;
	register long x1 asm("x1") = b;
	register long x2 asm("x2") = c;
	register long x3 asm("x3") = d;
	register long x4 asm("x4") = e;
	register long x5 asm("x5") = f;

	asm volatile(INSNS_MARK_ASM(INSNS_START)
		     "svc #0\n\t"
		     INSNS_MARK_ASM(INSNS_STOP)
		     : "+r"(x0)
		     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
		     : "memory");
	if (x0 < 0 && x0 > -4096) {
		errno = -x0;
		return -1;
	}
	return x0;
}
#else
static long msys(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 asm("r10") = d;
	register long r8 asm("r8") = e;
	register long r9 asm("r9") = f;
	long ret;

	asm volatile(INSNS_MARK_ASM(INSNS_START)
		     "syscall\n\t"
		     INSNS_MARK_ASM(INSNS_STOP)
		     : "=a"(ret)
		     : "0"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
		     : "rcx", "r11", "memory");
	if (ret < 0 && ret > -4096) {
		errno = -ret;
		return -1;
	}
	return ret;
}
#endif

static void flush(const char *w, long round)
{
	asm volatile(INSNS_MARK_ASM(INSNS_FLUSH) ::: "memory");
	printf("INS %s %ld %ld\n", w, round, calls);
}

/* A UDP socket bound to 127.0.0.1:0, and its address. */
static int udp_lo(struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	*sa = lo4(0);
	if (fd < 0 || bind(fd, (struct sockaddr *)sa, sizeof(*sa)))
		die("udp socket");
	*sa = lo4(port_of(fd));
	return fd;
}

static void w_bind(const char *w, int family)
{
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	const void *sa = family == AF_INET ? (void *)&s4 : (void *)&s6;
	long len = family == AF_INET ? sizeof(s4) : sizeof(s6);
	long r, i;

	for (r = 0; r <= rounds; r++) {
		for (i = 0; i < calls; i++) {
			int fd = socket(family, SOCK_DGRAM, 0);

			if (fd < 0)
				die("socket");
			if (msys(SYS_bind, fd, (long)sa, len, 0, 0, 0))
				die("bind");
			close(fd);
		}
		flush(w, r);
	}
}

static void w_connect4(const char *w)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_in sa;
	int l;
	long r, i;

	l = listen_lo4(&sa);
	for (r = 0; r <= rounds; r++) {
		for (i = 0; i < calls; i++) {
			int c = socket(AF_INET, SOCK_STREAM, 0), a;

			if (c < 0)
				die("socket");
			/* SO_LINGER 0: no TIME_WAIT, no port exhaustion. */
			setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			if (msys(SYS_connect, c, (long)&sa, sizeof(sa), 0, 0, 0))
				die("connect");
			a = accept(l, NULL, NULL);
			if (a < 0)
				die("accept");
			close(c);
			close(a);
		}
		flush(w, r);
	}
	close(l);
}

static void w_uconnect4(const char *w)
{
	struct sockaddr_in sa;
	int peer = udp_lo(&sa);
	long r, i;

	for (r = 0; r <= rounds; r++) {
		for (i = 0; i < calls; i++) {
			int fd = socket(AF_INET, SOCK_DGRAM, 0);

			if (fd < 0)
				die("socket");
			if (msys(SYS_connect, fd, (long)&sa, sizeof(sa), 0, 0, 0))
				die("connect");
			close(fd);
		}
		flush(w, r);
	}
	close(peer);
}

static void w_sendto4(const char *w)
{
	char buf[16] = "insbench";
	struct sockaddr_in sa;
	int rcv, s, small = 1;
	long r, i;

	rcv = udp_lo(&sa);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		die("socket");
	setsockopt(rcv, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	/* Fill the receiver's queue: every counted datagram is then dropped. */
	for (i = 0; i < 64; i++)
		sendto(s, buf, sizeof(buf), 0, (struct sockaddr *)&sa, sizeof(sa));
	for (r = 0; r <= rounds; r++) {
		for (i = 0; i < calls; i++)
			if (msys(SYS_sendto, s, (long)buf, sizeof(buf), 0, (long)&sa,
				 sizeof(sa)) != sizeof(buf))
				die("sendto");
		flush(w, r);
	}
	close(rcv);
	close(s);
}

static void w_recvfrom4(const char *w)
{
	struct sockaddr_in sa, from;
	char buf[16] = "insbench";
	int rcv, s, big = 4 << 20;
	long r, i;

	rcv = udp_lo(&sa);
	if (setsockopt(rcv, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(rcv, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	for (r = 0; r <= rounds; r++) {
		/* Queued beforehand, outside the markers. */
		for (i = 0; i < calls; i++)
			if (send(s, buf, sizeof(buf), 0) != sizeof(buf))
				die("send");
		for (i = 0; i < calls; i++) {
			socklen_t len = sizeof(from);

			if (msys(SYS_recvfrom, rcv, (long)buf, sizeof(buf), 0, (long)&from,
				 (long)&len) != sizeof(buf))
				die("recvfrom");
		}
		flush(w, r);
	}
	close(rcv);
	close(s);
}

static void w_getsockname4(const char *w)
{
	struct sockaddr_in sa;
	int fd = udp_lo(&sa);
	long r, i;

	for (r = 0; r <= rounds; r++) {
		for (i = 0; i < calls; i++) {
			socklen_t len = sizeof(sa);

			if (msys(SYS_getsockname, fd, (long)&sa, (long)&len, 0, 0, 0))
				die("getsockname");
		}
		flush(w, r);
	}
	close(fd);
}

static void usage(void)
{
	fprintf(stderr, "usage: insbench [-r ROUNDS] [-n CALLS] WORKLOAD...\n"
		"workloads: bind4 bind6 connect4 uconnect4 sendto4 recvfrom4 getsockname4\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int opt, i;

	while ((opt = getopt(argc, argv, "r:n:")) != -1) {
		switch (opt) {
		case 'r':
			rounds = atol(optarg);
			break;
		case 'n':
			calls = atol(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || rounds < 1 || calls < 1)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = optind; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "bind4"))
			w_bind(w, AF_INET);
		else if (!strcmp(w, "bind6"))
			w_bind(w, AF_INET6);
		else if (!strcmp(w, "connect4"))
			w_connect4(w);
		else if (!strcmp(w, "uconnect4"))
			w_uconnect4(w);
		else if (!strcmp(w, "sendto4"))
			w_sendto4(w);
		else if (!strcmp(w, "recvfrom4"))
			w_recvfrom4(w);
		else if (!strcmp(w, "getsockname4"))
			w_getsockname4(w);
		else
			usage();
	}
	return 0;
}
