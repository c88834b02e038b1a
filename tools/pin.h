/* SPDX-License-Identifier: GPL-2.0 */
/* cgaddr pin / cgaddr unpin: one address per family for a cgroup. */
#ifndef CGADDR_TOOL_PIN_H
#define CGADDR_TOOL_PIN_H

#include <stdbool.h>
#include <stdint.h>

#include "pin_progs.h"
#include "spec.h"

int do_pin(int argc, char **argv);
int do_unpin(int argc, char **argv);
/* For cgaddr run: pin and unpin @cgroup without a report on stdout. */
int pin_quietly(const char *cgroup, const char *ip4, const char *ip6, const char *ports,
		bool strict, bool bind_only);
int unpin_quietly(const char *cgroup);

/*
 * The pieces of pin that cgaddr apply shares.  The parsers print what is
 * wrong as "@what: ..." (@other: the option of the other family, for the
 * hint) and return -EINVAL.
 */
int pin_parse_ip4(const char *what, const char *other, const char *s, uint8_t out[4]);
int pin_parse_ip6(const char *what, const char *other, const char *s, uint8_t out[16]);
int pin_parse_ports(const char *what, const char *s, struct pin_cfg *cfg);
/* Whether a pin of @cfg (servers only if @bind_only) has a program of @kind. */
bool pin_wanted(const struct pin_cfg *cfg, bool bind_only, enum pin_kind kind);
/* The program of @kind, ready to load (spec_free() it). */
int pin_build_spec(const struct pin_cfg *cfg, enum pin_kind kind, struct prog_spec *spec);

#endif /* CGADDR_TOOL_PIN_H */
