// SPDX-License-Identifier: GPL-2.0
/*
 * Per-socket storage freed with the socket.
 *
 * An SK_STORAGE map is a table keyed by socket cookie (map.c): natively
 * the storage hangs off the socket and __sk_destruct() frees it, but a
 * module cannot add a field to struct sock.  So it watches sockets die: a
 * kprobe on inet_sock_destruct(), where every TCP and UDP socket, v4 and
 * v6, ends (directly, or through udp_destruct_sock() and
 * inet6_sock_destruct()), deletes the dying socket's entry from every
 * SK_STORAGE map.  A socket that never had a cookie never had storage.
 *
 * The probe is registered only while an SK_STORAGE map exists: without
 * one, sockets die exactly as without cgaddr.  It may run in softirq
 * (sockets with SOCK_RCU_FREE, such as UDP's, are destructed from an RCU
 * callback): the maps' locks are irq-safe and a deleted element is freed
 * after a grace period, so a program still holding its value is safe.
 */
#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <net/sock.h>

#include "map.h"
#include "vm_map.h"

#define CGADDR_SK_DESTRUCT "inet_sock_destruct"

static LIST_HEAD(cgaddr_sk_maps);	/* RCU readers; writers under the mutex */
static DEFINE_MUTEX(cgaddr_sk_mutex);
static unsigned int cgaddr_sk_map_cnt;	/* under the mutex */
static bool cgaddr_sk_probed;		/* under the mutex */

static int cgaddr_sk_dying(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	struct cgaddr_map *map;
	u64 cookie;

	/* Read, never made: generating a cookie for a dying socket is pointless. */
	cookie = atomic64_read(&sk->sk_cookie);
	if (!cookie)
		return 0;
	rcu_read_lock();
	list_for_each_entry_rcu(map, &cgaddr_sk_maps, storage_node)
		vm_map_delete(map->tab, &cookie);
	rcu_read_unlock();
	return 0;
}

static struct kprobe cgaddr_sk_probe;

void cgaddr_sk_storage_add(struct cgaddr_map *map)
{
	int err;

	mutex_lock(&cgaddr_sk_mutex);
	list_add_tail_rcu(&map->storage_node, &cgaddr_sk_maps);
	if (!cgaddr_sk_map_cnt++) {
		/* Cleared each time: an unregistered kprobe keeps its address. */
		memset(&cgaddr_sk_probe, 0, sizeof(cgaddr_sk_probe));
		cgaddr_sk_probe.symbol_name = CGADDR_SK_DESTRUCT;
		cgaddr_sk_probe.pre_handler = cgaddr_sk_dying;
		err = register_kprobe(&cgaddr_sk_probe);
		cgaddr_sk_probed = !err;
		/*
		 * Not fatal: the map's LRU bound still holds its memory to
		 * max_entries; only closed sockets' entries linger until evicted.
		 */
		if (err)
			pr_warn("cannot probe %s (%d): sk_storage of closed sockets stays until evicted\n",
				CGADDR_SK_DESTRUCT, err);
	}
	mutex_unlock(&cgaddr_sk_mutex);
}

/* Before the map's table is freed: no probe may still be walking to it. */
void cgaddr_sk_storage_remove(struct cgaddr_map *map)
{
	mutex_lock(&cgaddr_sk_mutex);
	list_del_rcu(&map->storage_node);
	if (!--cgaddr_sk_map_cnt && cgaddr_sk_probed) {
		/* Waits for running handlers (a grace period) itself. */
		unregister_kprobe(&cgaddr_sk_probe);
		cgaddr_sk_probed = false;
	} else {
		synchronize_rcu();
	}
	mutex_unlock(&cgaddr_sk_mutex);
}
