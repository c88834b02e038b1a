// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_trace_printk() (helper 6), formatted by the VM: the kernel's rules
 * for the format (bpf_bprintf_prepare(), 6.1) with the VM's view of
 * memory.  Arguments are program values, never kernel addresses: %s and
 * %pI4/%pI6 read program regions only (an address outside them prints
 * as an empty string or a zero address, as natively for an unreadable
 * one), and the %p family prints the value itself -- a virtual address
 * reveals nothing, and there is no kernel symbol to resolve.
 *
 * The caller gets finished text; it never sees the format.
 */
#include "vm_internal.h"

/* The longest %s copied, as the kernel's per-call argument buffer. */
#define VM_PRINTK_STR_MAX	128

struct vm_out {
	char *buf;
	u32 size;
	u32 len;	/* the whole text's length, even past size */
};

static void vm_out_put(struct vm_out *o, const char *s, u32 n)
{
	u32 room = o->len < o->size - 1 ? o->size - 1 - o->len : 0;

	if (room)
		memcpy(o->buf + o->len, s, n < room ? n : room);
	o->len += n;
}

static VM_PRINTF(2, 3) void vm_out_fmt(struct vm_out *o, const char *spec, ...)
{
	char tmp[VM_PRINTK_STR_MAX + 64];
	va_list ap;
	int n;

	va_start(ap, spec);
	n = vm_vsnprintf(tmp, sizeof(tmp), spec, ap);
	va_end(ap);
	if (n < 0)
		return;
	vm_out_put(o, tmp, (u32)n < sizeof(tmp) ? (u32)n : sizeof(tmp) - 1);
}

static bool vm_isprint(char c)
{
	return c >= 0x20 && c < 0x7f;
}

static bool vm_isspace(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool vm_isalnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool vm_ispunct(char c)
{
	return vm_isprint(c) && c != ' ' && !vm_isalnum(c);
}

/* What may follow %s: the end, a space or punctuation. */
static bool vm_str_end(char c)
{
	return !c || vm_isspace(c) || vm_ispunct(c);
}

/* A string of program memory, up to its NUL, the region's end or the cap. */
static void vm_out_str(struct vm_state *st, struct vm_out *o, u64 addr)
{
	char s[VM_PRINTK_STR_MAX];
	const u8 *p;
	u32 n = 0;

	while (n < sizeof(s) - 1 && !vm_region_read(st, addr + n, 1, &p) && *p)
		s[n++] = (char)*p;
	vm_out_put(o, s, n);
}

static void vm_out_ip(struct vm_state *st, struct vm_out *o, u64 addr, char kind, char ver)
{
	u8 ip[16] = { 0 };
	const u8 *p;
	int i;

	if (!vm_region_read(st, addr, ver == '4' ? 4 : 16, &p))
		memcpy(ip, p, ver == '4' ? 4 : 16);
	if (ver == '4') {
		vm_out_fmt(o, kind == 'I' ? "%u.%u.%u.%u" : "%03u.%03u.%03u.%03u",
			   ip[0], ip[1], ip[2], ip[3]);
		return;
	}
	/* %pI6: eight colon-separated groups, uncompressed; %pi6: 32 digits. */
	for (i = 0; i < 16; i += 2)
		vm_out_fmt(o, kind == 'I' && i ? ":%02x%02x" : "%02x%02x", ip[i], ip[i + 1]);
}

int vm_printk(struct vm_state *st, const char *fmt, u32 fmt_size, const u64 *args,
	      char *buf, u32 size, u32 *would)
{
	struct vm_out o = { buf, size, 0 };
	u32 i, len, start, nspec = 0;
	char spec[24];

	for (len = 0; len < fmt_size && fmt[len]; len++)
		;
	if (len == fmt_size)
		return -EINVAL;	/* no NUL inside fmt_size */

	for (i = 0; i < len; i++) {
		unsigned char c = fmt[i];
		u32 flags_len, lng = 0;
		u64 v;

		/* Bytes >= 0x80 pass (UTF-8 text), ASCII controls do not. */
		if (c < 0x80 && !vm_isprint(c) && !vm_isspace(c))
			return -EINVAL;
		if (c != '%') {
			vm_out_put(&o, (const char *)&fmt[i], 1);
			continue;
		}
		if (fmt[i + 1] == '%') {
			vm_out_put(&o, "%", 1);
			i++;
			continue;
		}
		if (nspec >= 3)
			return -EINVAL;
		v = args[nspec++];
		start = ++i;
		if ((unsigned char)fmt[i] >= 0x80)
			return -EINVAL;
		/* Optional "[0 +-][num]": kept for the conversion. */
		while (fmt[i] == '0' || fmt[i] == '+' || fmt[i] == '-' || fmt[i] == ' ')
			i++;
		if (fmt[i] >= '1' && fmt[i] <= '9')
			while (fmt[i] >= '0' && fmt[i] <= '9')
				i++;
		flags_len = i - start;
		if (flags_len > sizeof(spec) - 6)
			return -EINVAL;
		spec[0] = '%';
		memcpy(spec + 1, fmt + start, flags_len);

		if (fmt[i] == 'p') {
			char n = fmt[i + 1];

			if ((n == 'k' || n == 'u') && fmt[i + 2] == 's') {
				i += 2;
				goto str;
			}
			if (!n || vm_isspace(n) || vm_ispunct(n)) {
				vm_out_fmt(&o, "%016llx", (unsigned long long)v);
				continue;
			}
			if (n == 'K' || n == 'x') {
				vm_out_fmt(&o, "%016llx", (unsigned long long)v);
				i++;
				continue;
			}
			if (n == 's' || n == 'S' || n == 'B') {
				/* No kernel symbol: printed as an unknown address is. */
				vm_out_fmt(&o, "0x%llx", (unsigned long long)v);
				i++;
				continue;
			}
			if ((n != 'i' && n != 'I') || (fmt[i + 2] != '4' && fmt[i + 2] != '6'))
				return -EINVAL;
			vm_out_ip(st, &o, v, n, fmt[i + 2]);
			i += 2;
			continue;
		}
		if (fmt[i] == 's') {
str:
			if (!vm_str_end(fmt[i + 1]))
				return -EINVAL;
			vm_out_str(st, &o, v);
			continue;
		}
		if (fmt[i] == 'c') {
			memcpy(spec + 1 + flags_len, "c", 2);
			vm_out_fmt(&o, spec, (int)(u8)v);
			continue;
		}
		if (fmt[i] == 'l') {
			lng++;
			i++;
		}
		if (fmt[i] == 'l') {
			lng++;
			i++;
		}
		if (fmt[i] != 'i' && fmt[i] != 'd' && fmt[i] != 'u' && fmt[i] != 'x' &&
		    fmt[i] != 'X')
			return -EINVAL;
		spec[1 + flags_len] = 'l';
		spec[2 + flags_len] = 'l';
		spec[3 + flags_len] = fmt[i];
		spec[4 + flags_len] = 0;
		if (!lng)	/* an int: the low 32 bits, with their sign for d/i */
			v = fmt[i] == 'd' || fmt[i] == 'i' ? (u64)(s64)(s32)v : (u32)v;
		vm_out_fmt(&o, spec, (unsigned long long)v);
	}
	buf[o.len < size ? o.len : size - 1] = 0;
	*would = o.len;
	return 0;
}
