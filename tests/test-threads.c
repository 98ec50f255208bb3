// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A context and its endpoints shared by threads, as libcxlmi.h allows:
 *
 *  - 8 threads send commands on one endpoint (an emulated memory device) at once: each writes its
 *    own part of the label storage area and reads it back, and identifies the device; every
 *    answer must be its own (before commands were serialized by the endpoint, threads read each
 *    other's answers and the library could corrupt memory);
 *  - threads open and close endpoints on one context while another iterates over them with
 *    cxlmi_for_each_endpoint, and another opens and closes the same emulated target by name;
 *  - the commands per second of 1 and of 8 threads on one endpoint are printed.
 */
#define _GNU_SOURCE
#include <cxlmi/emulator.h>
#include <cxlmi/target.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include "test-common.h"

#define THREADS 8
#define ROUNDS 2000
#define SLICE 64 /* LSA bytes per thread */

struct worker {
	struct cxlmi_endpoint *ep;
	int id;
	int rounds;
	int wrong; /* answers that were not this thread's, or failed */
};

static void *lsa_worker(void *arg)
{
	struct worker *w = arg;
	uint8_t req_buf[sizeof(struct cxlmi_cmd_memdev_set_lsa_req) + SLICE];
	struct cxlmi_cmd_memdev_set_lsa_req *set = (void *)req_buf;
	uint8_t back[SLICE];

	for (int r = 0; r < w->rounds; r++) {
		struct cxlmi_cmd_memdev_get_lsa_req get = { .offset = w->id * SLICE, .length = SLICE };
		struct cxlmi_cmd_identify_rsp id;

		memset(set, 0, sizeof(*set));
		set->offset = w->id * SLICE;
		for (int i = 0; i < SLICE; i++)
			set->data[i] = (uint8_t)(w->id * 31 + r + i);
		if (cxlmi_cmd_memdev_set_lsa(w->ep, NULL, set, SLICE) != 0)
			w->wrong++;
		memset(back, 0, sizeof(back));
		if (cxlmi_cmd_memdev_get_lsa(w->ep, NULL, &get, back) != 0 || memcmp(back, set->data, SLICE) != 0)
			w->wrong++;
		if (cxlmi_cmd_identify(w->ep, NULL, &id) != 0 || id.vendor_id != 0x1e98 || id.component_type != 3)
			w->wrong++;
	}
	return NULL;
}

/* Runs `n` LSA workers on `ep`; the number of wrong answers, and the commands per second. */
static int run_workers(struct cxlmi_endpoint *ep, int n, int rounds, double *per_second)
{
	pthread_t t[THREADS];
	struct worker w[THREADS];
	struct timespec a, b;
	int wrong = 0;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) {
		w[i] = (struct worker){ .ep = ep, .id = i, .rounds = rounds };
		pthread_create(&t[i], NULL, lsa_worker, &w[i]);
	}
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		wrong += w[i].wrong;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	*per_second = 3.0 * n * rounds / ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
	return wrong;
}

/* Set by main once the churning threads are done; a mutex, not a volatile, so that helgrind and drd see it. */
struct stop {
	pthread_mutex_t lock;
	int set;
};

static int stopped(struct stop *s)
{
	int set;

	pthread_mutex_lock(&s->lock);
	set = s->set;
	pthread_mutex_unlock(&s->lock);
	return set;
}

struct churn {
	struct cxlmi_ctx *ctx;
	int rounds;
	int failed;
	struct stop *stop;
};

static void *open_close(void *arg)
{
	struct churn *c = arg;

	for (int r = 0; r < c->rounds; r++) {
		struct cxlmi_endpoint *ep = cxlmi_open_mock(c->ctx);

		if (!ep) {
			c->failed++;
			continue;
		}
		cxlmi_close(ep);
	}
	return NULL;
}

static void *open_close_by_name(void *arg)
{
	struct churn *c = arg;

	for (int r = 0; r < c->rounds; r++) {
		struct cxlmi_endpoint *ep = cxlmi_open_target(c->ctx, "emu:type3");
		struct cxlmi_cmd_identify_rsp id;

		if (!ep || cxlmi_cmd_identify(ep, NULL, &id) != 0) {
			c->failed++;
			if (!ep)
				continue;
		}
		cxlmi_close(ep);
	}
	return NULL;
}

static void *iterate(void *arg)
{
	struct churn *c = arg;
	struct cxlmi_endpoint *ep;

	while (!stopped(c->stop)) {
		int n = 0;

		/* Only walked, never used: the other threads may close any of them. */
		cxlmi_for_each_endpoint(c->ctx, ep) n++;
		if (n > 10000)
			c->failed++;
		/* Let the churning threads run: valgrind runs one thread at a time, and a spinning
		 * walker would starve them. */
		sched_yield();
	}
	return NULL;
}

int main(int argc, char **argv)
{
	/* Fewer rounds under valgrind's thread checkers, which serialize the threads and run 50 to 100 times slower. */
	int rounds = argc > 1 ? atoi(argv[1]) : ROUNDS;

	struct cxlmi_ctx *ctx = cxlmi_new_ctx(tc_log_open(), DEFAULT_LOGLEVEL);
	struct cxlmi_endpoint *ep;
	double one, eight;
	int wrong;

	if (!CHECK(ctx != NULL, "cxlmi_new_ctx"))
		return finish();
	ep = cxlmi_open_emulator(ctx, "type3");
	if (!CHECK(ep != NULL, "emu:type3 opens"))
		return finish();

	wrong = run_workers(ep, 1, rounds, &one);
	CHECK_INT(wrong, 0, "1 thread on one endpoint: every answer its own");
	wrong = run_workers(ep, THREADS, rounds, &eight);
	CHECK_INT(wrong, 0, "8 threads on one endpoint: every answer its own");
	printf("# commands per second on one emulated endpoint: 1 thread %.0f, 8 threads %.0f\n", one, eight);
	cxlmi_close(ep);

	{
		struct stop stop = { PTHREAD_MUTEX_INITIALIZER, 0 };
		struct churn c[4];
		pthread_t t[4];

		for (int i = 0; i < 4; i++)
			c[i] = (struct churn){ .ctx = ctx, .rounds = rounds < 300 ? rounds : 300, .stop = &stop };
		pthread_create(&t[0], NULL, open_close, &c[0]);
		pthread_create(&t[1], NULL, open_close, &c[1]);
		pthread_create(&t[2], NULL, open_close_by_name, &c[2]);
		pthread_create(&t[3], NULL, iterate, &c[3]);
		for (int i = 0; i < 3; i++)
			pthread_join(t[i], NULL);
		pthread_mutex_lock(&stop.lock);
		stop.set = 1;
		pthread_mutex_unlock(&stop.lock);
		pthread_join(t[3], NULL);
		CHECK_INT(c[0].failed + c[1].failed, 0, "open and close on one context from two threads");
		CHECK_INT(c[2].failed, 0, "open, identify and close by target name meanwhile");
		CHECK_INT(c[3].failed, 0, "iterating meanwhile sees a sane list");
		CHECK(cxlmi_first_endpoint(ctx) == NULL, "every endpoint closed: the list is empty");
	}

	cxlmi_free_ctx(ctx);
	tc_log_close();
	return finish();
}
