// SPDX-License-Identifier: GPL-2.0
/*
 * sockprobe: one socket operation per run, with the result on stdout in a
 * form guest tests compare as text.  Linked statically, so nothing can
 * intercept its calls (no LD_PRELOAD, no libc wrapper).
 *
 *   sockprobe [-u UID] [-g GID] [-m CGROUP_DIR] bind tcp|udp ADDR PORT
 *   sockprobe [-m CGROUP_DIR] recv udp ADDR PORT [SECONDS]
 *   sockprobe [-s SRC] send udp ADDR PORT
 *   sockprobe [-m CGROUP_DIR] [-l LPORT] [-d] [-F] [-o] connect tcp|udp ADDR PORT
 *   sockprobe serve tcp ADDR PORT [SECONDS]
 *
 * bind prints "ADDR PORT" as getsockname() reports them after the bind;
 * recv binds, prints the same, then waits (default 10 s) for one datagram
 * and prints "recv N from ADDR PORT"; send sends one 4-byte datagram and
 * prints "sent N"; connect prints the local address (getsockname) and
 * "peer ADDR PORT" (getpeername), and over UDP then sends 4 bytes; serve
 * listens, prints its address, accepts one connection, prints "from
 * ADDR PORT" (the peer accept() reports) and reads until the client closes
 * (at most 2 s).  A failed operation prints "error ENAME" (exit 1).
 * -m moves the process into another cgroup after socket() and before the
 * operation: the socket belongs to the cgroup it was created in.
 * -l binds the connecting socket to the wildcard address and port LPORT
 * (with SO_REUSEADDR) before connect (after -m).
 * -s sends with an IP_PKTINFO / IPV6_PKTINFO control message giving the
 * source address SRC (sendmsg() instead of sendto()).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: sockprobe [-u UID] [-g GID] [-m CGROUP_DIR] bind tcp|udp ADDR PORT\n"
		"       sockprobe [-m CGROUP_DIR] recv udp ADDR PORT [SECONDS]\n"
		"       sockprobe [-s SRC] send udp ADDR PORT\n"
		"       sockprobe [-m CGROUP_DIR] [-l LPORT] [-d] [-F] [-o] connect tcp|udp ADDR PORT\n"
		"       sockprobe serve tcp ADDR PORT [SECONDS]\n");
	exit(2);
}

static int fail(const char *what)
{
	const char *name = strerrorname_np(errno);

	printf("error %s\n", name ? name : "unknown");
	fprintf(stderr, "sockprobe: %s: %s\n", what, strerror(errno));
	return 1;
}

/* Parse ADDR PORT into @ss; the address's form picks the family. */
static socklen_t parse_addr(const char *addr, const char *port,
			    struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(atoi(port));
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(atoi(port));
		return sizeof(*sin6);
	}
	fprintf(stderr, "sockprobe: bad address '%s'\n", addr);
	exit(2);
}

static void print_addr(const struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf));
		printf("%s %u\n", buf, ntohs(sin->sin_port));
	} else {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf));
		printf("%s %u\n", buf, ntohs(sin6->sin6_port));
	}
}

static int socket_for(const char *proto, int family)
{
	if (!strcmp(proto, "tcp"))
		return socket(family, SOCK_STREAM, 0);
	if (!strcmp(proto, "udp"))
		return socket(family, SOCK_DGRAM, 0);
	usage();
	return -1;
}

static const char *move_to;	/* -m */
static int disconnect_after;	/* -d: connect(AF_UNSPEC) after connect */
static int fast_open;		/* -F: connect TCP with sendto(MSG_FASTOPEN) */
static const char *local_port;	/* -l */
static const char *pktinfo_src;	/* -s */
static int show_opts;		/* -o: print socket options after connect */

/* What a program's bpf_setsockopt() left on the socket, as users see it. */
static int print_opts(int fd, int family, const char *proto)
{
	int mark = 0, prio = 0, tos = 0, syncnt = 0;
	socklen_t l = sizeof(int);
	char cc[16] = "";

	if (getsockopt(fd, SOL_SOCKET, SO_MARK, &mark, &l) ||
	    getsockopt(fd, SOL_SOCKET, SO_PRIORITY, &prio, &l))
		return fail("getsockopt");
	if (family == AF_INET6 ? getsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, &l) :
				 getsockopt(fd, IPPROTO_IP, IP_TOS, &tos, &l))
		return fail("getsockopt");
	printf("opts mark %d prio %d tos 0x%x", mark, prio, tos);
	if (!strcmp(proto, "tcp")) {
		l = sizeof(cc) - 1;
		if (getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc, &l))
			return fail("getsockopt");
		l = sizeof(int);
		if (getsockopt(fd, IPPROTO_TCP, TCP_SYNCNT, &syncnt, &l))
			return fail("getsockopt");
		printf(" cc %s syncnt %d", cc, syncnt);
	}
	printf("\n");
	return 0;
}

/* Join the cgroup of -m, if any. */
static void move_cgroup(void)
{
	char path[4096];
	FILE *f;

	if (!move_to)
		return;
	snprintf(path, sizeof(path), "%s/cgroup.procs", move_to);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f)) {
		perror(path);
		exit(2);
	}
}

static int reuse_addr;	/* serve: SO_REUSEADDR, as servers do */
static int listen_backlog;	/* serve: listen() before the address is printed */

/* socket(), -m, bind(), print the bound address; the fd or -1. */
static int bound_socket(char **argv)
{
	struct sockaddr_storage ss, local;
	socklen_t len, llen = sizeof(local);
	int fd;

	len = parse_addr(argv[2], argv[3], &ss);
	fd = socket_for(argv[1], ss.ss_family);
	if (fd < 0)
		return fail("socket"), -1;
	move_cgroup();
	if (reuse_addr && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse_addr, sizeof(reuse_addr)))
		return fail("setsockopt"), -1;
	if (bind(fd, (struct sockaddr *)&ss, len))
		return fail("bind"), -1;
	/*
	 * Tests start a server in the background and connect once its first
	 * line appears, so that line must come after listen(), not between
	 * bind() and listen() where a connect is refused.
	 */
	if (listen_backlog && listen(fd, listen_backlog))
		return fail("listen"), -1;
	if (getsockname(fd, (struct sockaddr *)&local, &llen))
		return fail("getsockname"), -1;
	print_addr(&local);
	fflush(stdout);
	return fd;
}

static int do_bind(int argc, char **argv)
{
	if (argc != 4)
		usage();
	return bound_socket(argv) < 0;
}

static int do_recv(int argc, char **argv)
{
	struct timeval tv = { .tv_sec = argc > 4 ? atoi(argv[4]) : 10 };
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	char buf[512];
	ssize_t n;
	int fd;

	if (argc < 4 || argc > 5 || strcmp(argv[1], "udp"))
		usage();
	fd = bound_socket(argv);
	if (fd < 0)
		return 1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return fail("setsockopt");
	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n < 0)
		return fail("recvfrom");
	printf("recv %zd from ", n);
	print_addr(&from);
	return 0;
}

/* sendmsg() of "ping" with the source of -s in a PKTINFO control message. */
static ssize_t send_pktinfo(int fd, struct sockaddr_storage *ss, socklen_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = "ping", .iov_len = 4 };
	struct msghdr msg = {
		.msg_name = ss, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf,
	};
	struct cmsghdr *cm;

	memset(&control, 0, sizeof(control));
	cm = (struct cmsghdr *)control.buf;
	if (ss->ss_family == AF_INET) {
		struct in_pktinfo pi = { 0 };

		if (inet_pton(AF_INET, pktinfo_src, &pi.ipi_spec_dst) != 1)
			usage();
		cm->cmsg_level = SOL_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		msg.msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct in6_pktinfo pi = { 0 };

		if (inet_pton(AF_INET6, pktinfo_src, &pi.ipi6_addr) != 1)
			usage();
		cm->cmsg_level = SOL_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		msg.msg_controllen = CMSG_SPACE(sizeof(pi));
	}
	return sendmsg(fd, &msg, 0);
}

static int do_send(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	ssize_t n;
	int fd;

	if (argc != 4 || strcmp(argv[1], "udp"))
		usage();
	len = parse_addr(argv[2], argv[3], &ss);
	fd = socket_for(argv[1], ss.ss_family);
	if (fd < 0)
		return fail("socket");
	if (pktinfo_src)
		n = send_pktinfo(fd, &ss, len);
	else
		n = sendto(fd, "ping", 4, 0, (struct sockaddr *)&ss, len);
	if (n < 0)
		return fail("sendto");
	printf("sent %zd\n", n);
	return 0;
}

static int do_connect(int argc, char **argv)
{
	struct sockaddr_storage ss, local, peer;
	socklen_t len, llen = sizeof(local), plen = sizeof(peer);
	int fd;

	if (argc != 4)
		usage();
	len = parse_addr(argv[2], argv[3], &ss);
	fd = socket_for(argv[1], ss.ss_family);
	if (fd < 0)
		return fail("socket");
	move_cgroup();
	if (local_port) {
		struct sockaddr_storage ls;
		socklen_t lslen;
		int one = 1;

		lslen = parse_addr(ss.ss_family == AF_INET ? "0.0.0.0" : "::", local_port, &ls);
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
			return fail("setsockopt");
		if (bind(fd, (struct sockaddr *)&ls, lslen))
			return fail("bind");
	}
	if (fast_open) {
		/* TCP Fast Open: sendmsg() connects (and sends "ping"). */
		if (sendto(fd, "ping", 4, MSG_FASTOPEN, (struct sockaddr *)&ss, len) != 4)
			return fail("sendto(MSG_FASTOPEN)");
	} else if (connect(fd, (struct sockaddr *)&ss, len)) {
		return fail("connect");
	}
	if (getsockname(fd, (struct sockaddr *)&local, &llen))
		return fail("getsockname");
	if (getpeername(fd, (struct sockaddr *)&peer, &plen))
		return fail("getpeername");
	print_addr(&local);
	printf("peer ");
	print_addr(&peer);
	if (show_opts && print_opts(fd, ss.ss_family, argv[1]))
		return 1;
	if (!strcmp(argv[1], "udp") && send(fd, "ping", 4, 0) != 4)
		return fail("send");
	if (disconnect_after) {
		struct sockaddr unspec = { .sa_family = AF_UNSPEC };

		if (connect(fd, &unspec, sizeof(unspec)))
			return fail("connect(AF_UNSPEC)");
		printf("disconnected\n");
	}
	return 0;
}

static int do_serve(int argc, char **argv)
{
	struct timeval tv = { .tv_sec = argc > 4 ? atoi(argv[4]) : 10 };
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	int fd, c;

	if (argc < 4 || argc > 5 || strcmp(argv[1], "tcp"))
		usage();
	reuse_addr = 1;
	listen_backlog = 4;
	fd = bound_socket(argv);
	if (fd < 0)
		return 1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return fail("setsockopt");
	c = accept(fd, (struct sockaddr *)&from, &flen);
	if (c < 0)
		return fail("accept");
	printf("from ");
	print_addr(&from);
	fflush(stdout);
	/*
	 * Read what the client sent (TCP Fast Open sends "ping") until it
	 * closes: closing with unread data would reset the connection, and a
	 * client still asking getpeername() would see ENOTCONN.
	 */
	{
		char buf[64];
		struct timeval drain = { .tv_sec = 2 };

		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &drain, sizeof(drain));
		while (recv(c, buf, sizeof(buf), 0) > 0)
			;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long uid = -1, gid = -1;
	int opt;

	while ((opt = getopt(argc, argv, "+u:g:m:l:s:dFo")) != -1) {
		switch (opt) {
		case 'o':
			show_opts = 1;
			break;
		case 'm':
			move_to = optarg;
			break;
		case 'd':
			disconnect_after = 1;
			break;
		case 'F':
			fast_open = 1;
			break;
		case 'l':
			local_port = optarg;
			break;
		case 's':
			pktinfo_src = optarg;
			break;
		case 'u':
			uid = atol(optarg);
			break;
		case 'g':
			gid = atol(optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (gid >= 0 && (setgroups(0, NULL) || setgid(gid)))
		return fail("setgid");
	if (uid >= 0 && setuid(uid))
		return fail("setuid");
	if (!strcmp(argv[0], "bind"))
		return do_bind(argc, argv);
	if (!strcmp(argv[0], "recv"))
		return do_recv(argc, argv);
	if (!strcmp(argv[0], "send"))
		return do_send(argc, argv);
	if (!strcmp(argv[0], "connect"))
		return do_connect(argc, argv);
	if (!strcmp(argv[0], "serve"))
		return do_serve(argc, argv);
	usage();
	return 2;
}
