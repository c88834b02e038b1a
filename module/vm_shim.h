/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The freestanding shim under the VM (vm_*.c): the only place where the
 * kernel and the host differ.  The VM sources include nothing else but
 * this header and the uapi BPF headers it pulls in.
 */
#ifndef CGADDR_VM_SHIM_H
#define CGADDR_VM_SHIM_H

#ifdef __KERNEL__

#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>

/* Load-time allocations only: program form, analysis tables. */
static inline void *vm_zalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static inline void vm_free(void *p)
{
	kvfree(p);
}

#define vm_snprintf snprintf
#define vm_vsnprintf vsnprintf

/* Publishing and following links read without a lock (vm_map.c). */
#include <asm/barrier.h>
#define vm_load_acquire(p)		smp_load_acquire(p)
#define vm_store_release(p, v)		smp_store_release(p, v)
#define vm_write_once(x, v)		WRITE_ONCE(x, v)
#define vm_read_once(x)			READ_ONCE(x)

#else /* host */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif
#ifndef noinline
#define noinline __attribute__((__noinline__))
#endif
#ifndef __cold
#define __cold __attribute__((__cold__))
#endif
#ifndef fallthrough
#define fallthrough __attribute__((__fallthrough__))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

static inline void *vm_zalloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

static inline void vm_free(void *p)
{
	free(p);
}

#define vm_snprintf snprintf
#define vm_vsnprintf vsnprintf

#define vm_load_acquire(p)		__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define vm_store_release(p, v)		__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define vm_write_once(x, v)		__atomic_store_n(&(x), v, __ATOMIC_RELAXED)
#define vm_read_once(x)			__atomic_load_n(&(x), __ATOMIC_RELAXED)

#endif /* __KERNEL__ */

#define VM_PRINTF(a, b) __attribute__((__format__(printf, a, b)))

#ifndef __annotate_jump_table
#define __annotate_jump_table
#endif

#include <linux/bpf_common.h>
#include <linux/bpf.h>

/*
 * Encodings newer than the oldest uapi headers cgaddr builds against
 * (5.10's has neither BPF_ATOMIC's fetch forms nor ISA v4).
 */
#ifndef BPF_ATOMIC
#define BPF_ATOMIC	0xc0
#endif
#ifndef BPF_FETCH
#define BPF_FETCH	0x01
#endif
#ifndef BPF_XCHG
#define BPF_XCHG	(0xe0 | BPF_FETCH)
#endif
#ifndef BPF_CMPXCHG
#define BPF_CMPXCHG	(0xf0 | BPF_FETCH)
#endif
#ifndef BPF_LOAD_ACQ
#define BPF_LOAD_ACQ	0x100
#endif
#ifndef BPF_STORE_REL
#define BPF_STORE_REL	0x110
#endif
#ifndef BPF_MEMSX
#define BPF_MEMSX	0x80
#endif
#ifndef BPF_JCOND
#define BPF_JCOND	0xe0
#endif
#ifndef BPF_PSEUDO_BTF_ID
#define BPF_PSEUDO_BTF_ID	3
#endif
#ifndef BPF_PSEUDO_FUNC
#define BPF_PSEUDO_FUNC		4
#endif
#ifndef BPF_PSEUDO_MAP_IDX
#define BPF_PSEUDO_MAP_IDX	5
#endif
#ifndef BPF_PSEUDO_MAP_IDX_VALUE
#define BPF_PSEUDO_MAP_IDX_VALUE 6
#endif
#ifndef BPF_PSEUDO_KFUNC_CALL
#define BPF_PSEUDO_KFUNC_CALL	2
#endif
/* BPF_JCOND's only condition so far (uapi enum, not a macro). */
#define VM_MAY_GOTO	0

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define VM_BIG_ENDIAN 1
#else
#define VM_BIG_ENDIAN 0
#endif

#endif /* CGADDR_VM_SHIM_H */
