// SPDX-License-Identifier: GPL-2.0
/*
 * sockprobe: one socket operation per run, with the result on stdout in a
 * form guest tests compare as text.  Linked statically, so nothing can
 * intercept its calls (no LD_PRELOAD, no libc wrapper).
 *
 *   sockprobe [-u UID] [-g GID] bind tcp|udp ADDR PORT
 *
 * Prints "ADDR PORT" as getsockname() reports them after the operation,
 * or "error ENAME" when the operation fails (exit status 1).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: sockprobe [-u UID] [-g GID] bind tcp|udp ADDR PORT\n");
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

static int do_bind(int argc, char **argv)
{
	struct sockaddr_storage ss, local;
	socklen_t len, llen = sizeof(local);
	int fd;

	if (argc != 4)
		usage();
	len = parse_addr(argv[2], argv[3], &ss);
	fd = socket_for(argv[1], ss.ss_family);
	if (fd < 0)
		return fail("socket");
	if (bind(fd, (struct sockaddr *)&ss, len))
		return fail("bind");
	if (getsockname(fd, (struct sockaddr *)&local, &llen))
		return fail("getsockname");
	print_addr(&local);
	return 0;
}

int main(int argc, char **argv)
{
	long uid = -1, gid = -1;
	int opt;

	while ((opt = getopt(argc, argv, "+u:g:")) != -1) {
		switch (opt) {
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
	usage();
	return 2;
}
