/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmarks' guest programs (sockbench, insns/insbench) share:
 * dying with the program's name, the loopback address, a bound port, a
 * TCP listener.
 * Built with -D_GNU_SOURCE (program_invocation_short_name).
 */
#ifndef CGADDR_BENCH_SOCK_H
#define CGADDR_BENCH_SOCK_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static void die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what, strerror(errno));
	exit(1);
}

static struct sockaddr_in lo4(unsigned short port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sa;
}

/*
 * The port of a bound socket.  Only the port: a getsockname4 program of
 * the variant may report another address (bench_pin.o says 127.0.0.2).
 */
static unsigned short port_of(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &len))
		die("getsockname");
	return ntohs(sa.sin_port);
}

/* A TCP listener on 127.0.0.1 at a free port; *sa is set to its address. */
static int listen_lo4(struct sockaddr_in *sa)
{
	int l, one = 1;

	*sa = lo4(0);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0)
		die("socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)sa, sizeof(*sa)) || listen(l, 128))
		die("listen");
	*sa = lo4(port_of(l));
	return l;
}

#endif /* CGADDR_BENCH_SOCK_H */
