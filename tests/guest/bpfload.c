// SPDX-License-Identifier: GPL-2.0
/*
 * bpfload: load one program of a clang-built BPF object through the
 * kernel's own bpf() syscall (BPF_PROG_TYPE_CGROUP_SOCK_ADDR) and attach it
 * to a cgroup natively, or detach every native program of one type.  The
 * guest's reference for comparing cgaddr with the kernel's cgroup BPF.
 *
 *   bpfload attach CGROUP_DIR OBJ.o PROGNAME [multi|override]
 *   bpfload detach CGROUP_DIR TYPE
 *
 * attach prints "id N" (the kernel's program id).  The expected attach type
 * comes from the program's section name (cgroup/bind4 ... the 12 INET
 * types); the license from the "license" section.  A minimal ELF reader,
 * no libbpf: the test objects use no maps and no global data, so nothing
 * is relocated (a program with relocations is refused).  On a load failure
 * the verifier's log is printed.  TYPE is a cgaddr type name (bind4,
 * connect6, sendmsg4, recvmsg6, getpeername4, getsockname6, ...) or a
 * section name (cgroup/bind4).  detach queries the cgroup's own programs
 * (BPF_PROG_QUERY) and detaches each (BPF_PROG_DETACH); it prints
 * "detached N".
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "attach_types.h"

static void usage(void)
{
	fprintf(stderr, "usage: bpfload attach CGROUP_DIR OBJ.o PROGNAME [multi|override]\n"
		"       bpfload detach CGROUP_DIR TYPE\n");
	exit(2);
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "bpfload: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int type_of(const char *s)
{
	int i;

	if (!strncmp(s, "cgroup/", 7))
		s += 7;
	i = test_attach_type_index(s);
	return i < 0 ? -1 : (int)test_attach_types[i].type;
}

/* The ELF object, mapped whole. */
static const unsigned char *obj;
static size_t obj_size;
static const Elf64_Ehdr *eh;
static const Elf64_Shdr *sh;

static const void *at(Elf64_Off off, Elf64_Xword size)
{
	if (off > obj_size || size > obj_size - off)
		die("%s: truncated or malformed ELF", "object");
	return obj + off;
}

static const char *sec_name(const Elf64_Shdr *s)
{
	const Elf64_Shdr *strs = &sh[eh->e_shstrndx];
	const char *base = at(strs->sh_offset, strs->sh_size);

	if (s->sh_name >= strs->sh_size)
		die("%s: bad section name", "object");
	return base + s->sh_name;
}

static void map_object(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		die("cannot open %s", path);
	obj_size = st.st_size;
	obj = mmap(NULL, obj_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (obj == MAP_FAILED)
		die("cannot map %s", path);
	close(fd);
	eh = at(0, sizeof(*eh));
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_machine != EM_BPF || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    eh->e_shstrndx >= eh->e_shnum)
		die("%s: not a 64-bit BPF ELF object", path);
	sh = at(eh->e_shoff, (Elf64_Xword)eh->e_shnum * sizeof(Elf64_Shdr));
}

static int do_attach(int argc, char **argv)
{
	const char *cgdir = argv[2], *path = argv[3], *prog = argv[4];
	const Elf64_Shdr *symtab = NULL, *strtab, *psec = NULL;
	const Elf64_Sym *syms, *sym = NULL;
	const char *license = NULL, *names;
	static char log[1 << 20];
	struct bpf_prog_info info;
	union bpf_attr attr;
	size_t nsyms, i;
	__u32 flags = 0;
	int type, pfd, cfd;

	if (argc == 6) {
		if (!strcmp(argv[5], "multi"))
			flags = BPF_F_ALLOW_MULTI;
		else if (!strcmp(argv[5], "override"))
			flags = BPF_F_ALLOW_OVERRIDE;
		else if (strcmp(argv[5], "none"))
			usage();
	} else if (argc != 5) {
		usage();
	}
	map_object(path);
	for (i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type == SHT_SYMTAB)
			symtab = &sh[i];
		else if (!strcmp(sec_name(&sh[i]), "license") && sh[i].sh_size) {
			license = at(sh[i].sh_offset, sh[i].sh_size);
			if (!memchr(license, 0, sh[i].sh_size))
				die("%s: license is not a string", path);
		}
	}
	if (!symtab || symtab->sh_link >= eh->e_shnum)
		die("%s: no symbol table", path);
	if (!license)
		die("%s: no license section", path);
	strtab = &sh[symtab->sh_link];
	names = at(strtab->sh_offset, strtab->sh_size);
	syms = at(symtab->sh_offset, symtab->sh_size);
	nsyms = symtab->sh_size / sizeof(Elf64_Sym);
	for (i = 0; i < nsyms; i++) {
		if (ELF64_ST_TYPE(syms[i].st_info) != STT_FUNC || syms[i].st_name >= strtab->sh_size ||
		    strcmp(names + syms[i].st_name, prog))
			continue;
		sym = &syms[i];
		break;
	}
	if (!sym || sym->st_shndx == SHN_UNDEF || sym->st_shndx >= eh->e_shnum)
		die("no program %s in the object", prog);
	psec = &sh[sym->st_shndx];
	type = type_of(sec_name(psec));
	if (type < 0)
		die("section %s is not a cgroup sock_addr INET type", sec_name(psec));
	if (sym->st_value > psec->sh_size || sym->st_size > psec->sh_size - sym->st_value ||
	    !sym->st_size || sym->st_size % sizeof(struct bpf_insn))
		die("program %s: bad symbol bounds", prog);
	/* Nothing can be relocated here: refuse a program that needs it. */
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf64_Rel *rel;
		size_t j;

		if (sh[i].sh_type != SHT_REL || &sh[sh[i].sh_info] != psec)
			continue;
		rel = at(sh[i].sh_offset, sh[i].sh_size);
		for (j = 0; j < sh[i].sh_size / sizeof(*rel); j++)
			if (rel[j].r_offset >= sym->st_value &&
			    rel[j].r_offset < sym->st_value + sym->st_size)
				die("program %s needs relocations (maps, global data or calls): "
				    "not supported", prog);
	}

	/* The kernel accounts BPF memory to RLIMIT_MEMLOCK before 5.11. */
	{
		struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };

		setrlimit(RLIMIT_MEMLOCK, &r);
	}

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_SOCK_ADDR;
	attr.expected_attach_type = type;
	attr.insns = (__u64)(unsigned long)at(psec->sh_offset + sym->st_value, sym->st_size);
	attr.insn_cnt = sym->st_size / sizeof(struct bpf_insn);
	attr.license = (__u64)(unsigned long)license;
	strncpy(attr.prog_name, prog, sizeof(attr.prog_name) - 1);
	pfd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (pfd < 0) {
		int e = errno;

		attr.log_buf = (__u64)(unsigned long)log;
		attr.log_size = sizeof(log);
		attr.log_level = 1;
		log[0] = 0;
		pfd = sys_bpf(BPF_PROG_LOAD, &attr);
		if (pfd < 0) {
			fprintf(stderr, "bpfload: load %s (%s): %s\n--- verifier log ---\n%s\n---\n",
				prog, sec_name(psec), strerror(e), log);
			printf("error %s\n", strerrorname_np(e) ? strerrorname_np(e) : "unknown");
			return 1;
		}
	}

	cfd = open(cgdir, O_RDONLY | O_DIRECTORY);
	if (cfd < 0)
		die("cannot open cgroup %s", cgdir);
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = cfd;
	attr.attach_bpf_fd = pfd;
	attr.attach_type = type;
	attr.attach_flags = flags;
	if (sys_bpf(BPF_PROG_ATTACH, &attr)) {
		int e = errno;

		fprintf(stderr, "bpfload: attach %s to %s: %s\n", prog, cgdir, strerror(e));
		printf("error %s\n", strerrorname_np(e) ? strerrorname_np(e) : "unknown");
		return 1;
	}

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = pfd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (__u64)(unsigned long)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
		die("get info: %s", strerror(errno));
	printf("id %u\n", info.id);
	return 0;
}

static int do_detach(int argc, char **argv)
{
	__u32 ids[64], n, i;
	union bpf_attr attr;
	int type, cfd, done = 0;

	if (argc != 4)
		usage();
	type = type_of(argv[3]);
	if (type < 0)
		die("unknown type %s", argv[3]);
	cfd = open(argv[2], O_RDONLY | O_DIRECTORY);
	if (cfd < 0)
		die("cannot open cgroup %s", argv[2]);
	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = cfd;
	attr.query.attach_type = type;
	attr.query.prog_ids = (__u64)(unsigned long)ids;
	attr.query.prog_cnt = sizeof(ids) / sizeof(ids[0]);
	if (sys_bpf(BPF_PROG_QUERY, &attr))
		die("query: %s", strerror(errno));
	n = attr.query.prog_cnt;
	for (i = 0; i < n; i++) {
		int pfd;

		memset(&attr, 0, sizeof(attr));
		attr.prog_id = ids[i];
		pfd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
		if (pfd < 0)
			die("program by id: %s", strerror(errno));
		memset(&attr, 0, sizeof(attr));
		attr.target_fd = cfd;
		attr.attach_bpf_fd = pfd;
		attr.attach_type = type;
		if (sys_bpf(BPF_PROG_DETACH, &attr))
			die("detach: %s", strerror(errno));
		close(pfd);
		done++;
	}
	printf("detached %d\n", done);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "attach"))
		return do_attach(argc, argv);
	if (!strcmp(argv[1], "detach"))
		return do_detach(argc, argv);
	usage();
	return 2;
}
