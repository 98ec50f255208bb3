/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What tests/mctp-shim.c, preloaded, offers a test (look the functions up with dlsym(), so a
 * program also runs without the shim and can tell it is missing).
 */
#ifndef CXLMI_MCTP_SHIM_H
#define CXLMI_MCTP_SHIM_H

/* How many AF_MCTP sockets have been asked for so far (failed ones included). */
unsigned long mctp_shim_opened(void);
typedef unsigned long (*mctp_shim_opened_fn)(void);

/* Makes AF_MCTP socket number `n` (counted as mctp_shim_opened() counts) fail with `err`. */
void mctp_shim_fail(unsigned long n, int err);
typedef void (*mctp_shim_fail_fn)(unsigned long n, int err);

#endif
