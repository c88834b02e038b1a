// SPDX-License-Identifier: GPL-2.0
/*
 * rawprogs DIR: the raw-instruction programs of the kernel's
 * tools/testing/selftests/bpf/test_sock_addr.c (6.1), which that test hands
 * to BPF_PROG_LOAD as instruction arrays, written here as one small BPF ELF
 * object each (DIR/raw_NAME.o, section cgroup/TYPE, function NAME, license
 * GPL) so that both `cgaddr prog load` and the native loaders take them as
 * they take clang's objects.  The instructions are the test's, rewritten
 * from its description; addresses follow tests/kselftests/addresses.sed
 * (the v4-mapped private address becomes ::ffff:192.0.2.4, the source ::6 becomes
 * 2001:db8::6).
 */
#include <arpa/inet.h>
#include <elf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_REG(d, s)		INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i)		INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV32_IMM(d, i)		INSN(BPF_ALU | BPF_MOV | BPF_K, d, 0, 0, i)
#define LDX_W(d, s, o)		INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define STX_W(d, s, o)		INSN(BPF_STX | BPF_MEM | BPF_W, d, s, o, 0)
#define JNE_IMM(d, i, o)	INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define EXIT()			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define CTX(f)			((short)offsetof(struct bpf_sock_addr, f))

#define MAX_INSNS 64

struct prog {
	const char *name;
	const char *type;	/* the section is "cgroup/" type */
	struct bpf_insn insns[MAX_INSNS];
	unsigned int cnt;
};

static void emit(struct prog *p, struct bpf_insn in)
{
	if (p->cnt == MAX_INSNS) {
		fprintf(stderr, "rawprogs: %s is too long\n", p->name);
		exit(1);
	}
	p->insns[p->cnt++] = in;
}

/* xmsg_ret_only_prog_load(): return rc. */
static void ret_only(struct prog *p, int rc)
{
	emit(p, MOV64_IMM(BPF_REG_0, rc));
	emit(p, EXIT());
}

/* sendmsg4_rw_asm_prog_load(): for an AF_INET datagram socket, the source
 * becomes 127.0.0.4 and the destination 127.0.0.1:4444. */
static void sendmsg4_rw(struct prog *p)
{
	struct in_addr src, dst;

	inet_pton(AF_INET, "127.0.0.4", &src);
	inet_pton(AF_INET, "127.0.0.1", &dst);
	emit(p, MOV64_REG(BPF_REG_6, BPF_REG_1));
	emit(p, LDX_W(BPF_REG_7, BPF_REG_6, CTX(family)));
	emit(p, JNE_IMM(BPF_REG_7, AF_INET, 8));
	emit(p, LDX_W(BPF_REG_7, BPF_REG_6, CTX(type)));
	emit(p, JNE_IMM(BPF_REG_7, SOCK_DGRAM, 6));
	emit(p, MOV32_IMM(BPF_REG_7, src.s_addr));
	emit(p, STX_W(BPF_REG_6, BPF_REG_7, CTX(msg_src_ip4)));
	emit(p, MOV32_IMM(BPF_REG_7, dst.s_addr));
	emit(p, STX_W(BPF_REG_6, BPF_REG_7, CTX(user_ip4)));
	emit(p, MOV32_IMM(BPF_REG_7, htons(4444)));
	emit(p, STX_W(BPF_REG_6, BPF_REG_7, CTX(user_port)));
	emit(p, MOV64_IMM(BPF_REG_0, 1));
	emit(p, EXIT());
}

/* sendmsg6_rw_dst_asm_prog_load(): for an AF_INET6 socket, the source
 * becomes 2001:db8::6 (the test's ::6) and the destination @dst_ip port 6666. */
static void sendmsg6_rw(struct prog *p, const char *dst_ip)
{
	struct in6_addr src, dst;
	int i;

	inet_pton(AF_INET6, "2001:db8::6", &src);
	if (inet_pton(AF_INET6, dst_ip, &dst) != 1) {
		fprintf(stderr, "rawprogs: bad address %s\n", dst_ip);
		exit(1);
	}
	emit(p, MOV64_REG(BPF_REG_6, BPF_REG_1));
	emit(p, LDX_W(BPF_REG_7, BPF_REG_6, CTX(family)));
	emit(p, JNE_IMM(BPF_REG_7, AF_INET6, 18));
	for (i = 0; i < 4; i++) {
		emit(p, MOV32_IMM(BPF_REG_7, src.s6_addr32[i]));
		emit(p, STX_W(BPF_REG_6, BPF_REG_7, CTX(msg_src_ip6[0]) + 4 * i));
	}
	for (i = 0; i < 4; i++) {
		emit(p, MOV32_IMM(BPF_REG_7, dst.s6_addr32[i]));
		emit(p, STX_W(BPF_REG_6, BPF_REG_7, CTX(user_ip6[0]) + 4 * i));
	}
	emit(p, MOV32_IMM(BPF_REG_7, htons(6666)));
	emit(p, STX_W(BPF_REG_6, BPF_REG_7, CTX(user_port)));
	emit(p, MOV64_IMM(BPF_REG_0, 1));
	emit(p, EXIT());
}

/* One relocatable BPF object: a program section, license, symbols. */
static int write_obj(const char *dir, const struct prog *p)
{
	char path[4096], sec[64], strtab[256];
	size_t code = p->cnt * sizeof(struct bpf_insn), str = 1, off;
	const char license[] = "GPL";
	size_t n_sec, n_lic, n_sym, n_str, n_fn;
	Elf64_Shdr sh[5];
	Elf64_Sym sym[2];
	Elf64_Ehdr eh;
	FILE *f;

	snprintf(sec, sizeof(sec), "cgroup/%s", p->type);
	memset(strtab, 0, sizeof(strtab));
#define ADD_STR(s) (str += strlen(strcpy(strtab + str, s)) + 1, str - strlen(s) - 1)
	n_sec = ADD_STR(sec);
	n_lic = ADD_STR("license");
	n_sym = ADD_STR(".symtab");
	n_str = ADD_STR(".strtab");
	n_fn = ADD_STR(p->name);

	memset(sym, 0, sizeof(sym));
	sym[1].st_name = n_fn;
	sym[1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
	sym[1].st_shndx = 1;
	sym[1].st_size = code;

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_REL;
	eh.e_machine = EM_BPF;
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = sizeof(eh);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 5;
	eh.e_shstrndx = 4;

	/* Layout: header, code, license, symbols, strings, section headers. */
	memset(sh, 0, sizeof(sh));
	off = sizeof(eh);
	sh[1] = (Elf64_Shdr){ .sh_name = n_sec, .sh_type = SHT_PROGBITS,
		.sh_flags = SHF_ALLOC | SHF_EXECINSTR, .sh_offset = off, .sh_size = code,
		.sh_addralign = 8 };
	off += code;
	sh[2] = (Elf64_Shdr){ .sh_name = n_lic, .sh_type = SHT_PROGBITS,
		.sh_flags = SHF_ALLOC | SHF_WRITE, .sh_offset = off, .sh_size = sizeof(license),
		.sh_addralign = 1 };
	off = (off + sizeof(license) + 7) & ~7UL;
	sh[3] = (Elf64_Shdr){ .sh_name = n_sym, .sh_type = SHT_SYMTAB, .sh_offset = off,
		.sh_size = sizeof(sym), .sh_link = 4, .sh_info = 1, .sh_addralign = 8,
		.sh_entsize = sizeof(Elf64_Sym) };
	off += sizeof(sym);
	sh[4] = (Elf64_Shdr){ .sh_name = n_str, .sh_type = SHT_STRTAB, .sh_offset = off,
		.sh_size = str, .sh_addralign = 1 };
	off = (off + str + 7) & ~7UL;
	eh.e_shoff = off;

	snprintf(path, sizeof(path), "%s/raw_%s.o", dir, p->name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		return -1;
	}
	fwrite(&eh, sizeof(eh), 1, f);
	fwrite(p->insns, code, 1, f);
	fwrite(license, sizeof(license), 1, f);
	fseek(f, sh[3].sh_offset, SEEK_SET);
	fwrite(sym, sizeof(sym), 1, f);
	fwrite(strtab, str, 1, f);
	fseek(f, eh.e_shoff, SEEK_SET);
	fwrite(sh, sizeof(sh), 1, f);
	if (fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct prog progs[] = {
		{ .name = "sendmsg4_rw", .type = "sendmsg4" },
		{ .name = "sendmsg6_rw", .type = "sendmsg6" },
		{ .name = "sendmsg6_v4mapped", .type = "sendmsg6" },
		{ .name = "sendmsg6_wildcard", .type = "sendmsg6" },
		{ .name = "sendmsg4_deny", .type = "sendmsg4" },
		{ .name = "sendmsg6_deny", .type = "sendmsg6" },
		{ .name = "sendmsg6_allow", .type = "sendmsg6" },
		{ .name = "recvmsg4_allow", .type = "recvmsg4" },
		{ .name = "recvmsg4_deny", .type = "recvmsg4" },
		{ .name = "recvmsg6_allow", .type = "recvmsg6" },
		{ .name = "recvmsg6_deny", .type = "recvmsg6" },
	};
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: rawprogs DIR\n");
		return 2;
	}
	sendmsg4_rw(&progs[0]);
	sendmsg6_rw(&progs[1], "::1");
	sendmsg6_rw(&progs[2], "::ffff:192.0.2.4");
	sendmsg6_rw(&progs[3], "::");
	ret_only(&progs[4], 0);
	ret_only(&progs[5], 0);
	ret_only(&progs[6], 1);
	ret_only(&progs[7], 1);
	ret_only(&progs[8], 0);
	ret_only(&progs[9], 1);
	ret_only(&progs[10], 0);
	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		if (write_obj(argv[1], &progs[i]))
			return 1;
	return 0;
}
