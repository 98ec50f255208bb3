// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sets up the guest's MCTP link over its second serial port, as the `mctp`
 * tool and mctpd would on a real system (busybox has neither; this is the
 * few netlink messages they send):
 *
 *   - /dev/ttyS1 raw, with the N_MCTP line discipline: the kernel's
 *     mctp-serial binding (DSP0253) makes an mctpserialN interface of it;
 *   - that interface up, our EID (9) assigned to it, and a route to the
 *     responder's EID (8) through it, on MCTP network 1 (the default).
 *
 * The line discipline lives as long as the tty is open, so the program then
 * forks: the child keeps the tty open until the guest powers off, the parent
 * exits 0 once everything is set up (run it first among the guest's tests).
 * Usage: mctp-link [tty [local-eid [remote-eid]]]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#ifndef AF_MCTP
#define AF_MCTP 45
#endif
#ifndef N_MCTP
#define N_MCTP 28
#endif

static int seq;

/* Appends a route attribute to the message in `buf`. */
static void add_attr(struct nlmsghdr *nh, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Sends one request and waits for the kernel's acknowledgement: 0, or -1 with errno. */
static int talk(int fd, struct nlmsghdr *nh)
{
	char reply[4096];
	struct nlmsgerr *err;
	ssize_t n;

	nh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nh->nlmsg_seq = ++seq;
	if (send(fd, nh, nh->nlmsg_len, 0) < 0)
		return -1;
	n = recv(fd, reply, sizeof(reply), 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(*err)))
		return -1;
	nh = (struct nlmsghdr *)reply;
	if (nh->nlmsg_type != NLMSG_ERROR) {
		errno = EPROTO;
		return -1;
	}
	err = NLMSG_DATA(nh);
	if (err->error) {
		errno = -err->error;
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *tty = argc > 1 ? argv[1] : "/dev/ttyS1";
	uint8_t local = argc > 2 ? (uint8_t)atoi(argv[2]) : 9, remote = argc > 3 ? (uint8_t)atoi(argv[3]) : 8;
	int ldisc = N_MCTP, fd, nl;
	char ifname[IF_NAMESIZE] = "";
	unsigned ifindex = 0;
	struct termios t;
	union {
		struct nlmsghdr nh;
		char buf[256];
	} m;

	fd = open(tty, O_RDWR | O_NOCTTY);
	if (fd < 0 || tcgetattr(fd, &t) < 0) {
		printf("FAIL %s: %s\n", tty, strerror(errno));
		return 1;
	}
	cfmakeraw(&t);
	cfsetspeed(&t, B115200);
	if (tcsetattr(fd, TCSANOW, &t) < 0 || ioctl(fd, TIOCSETD, &ldisc) < 0) {
		printf("FAIL N_MCTP line discipline on %s: %s\n", tty, strerror(errno));
		return 1;
	}
	/*
	 * The binding names its interfaces mctpserialN; the first free N is ours. Read the index from
	 * sysfs: if_nametoindex() needs an AF_UNIX or AF_INET socket, which this kernel does not have.
	 */
	for (int i = 0; i < 8 && !ifindex; i++) {
		char path[64];
		FILE *f;

		snprintf(ifname, sizeof(ifname), "mctpserial%d", i);
		snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", ifname);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%u", &ifindex) != 1)
				ifindex = 0;
			fclose(f);
		}
	}
	if (!ifindex) {
		printf("FAIL no mctpserial interface after setting N_MCTP\n");
		return 1;
	}
	printf("ok   %s: N_MCTP line discipline, interface %s (index %u)\n", tty, ifname, ifindex);

	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl < 0) {
		printf("FAIL netlink socket: %s\n", strerror(errno));
		return 1;
	}

	/* ip link set mctpserialN up */
	memset(&m, 0, sizeof(m));
	m.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	m.nh.nlmsg_type = RTM_NEWLINK;
	struct ifinfomsg *ifi = NLMSG_DATA(&m.nh);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	if (talk(nl, &m.nh) < 0) {
		printf("FAIL %s up: %s\n", ifname, strerror(errno));
		return 1;
	}

	/* mctp addr add <local> dev mctpserialN */
	memset(&m, 0, sizeof(m));
	m.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	m.nh.nlmsg_type = RTM_NEWADDR;
	m.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	struct ifaddrmsg *ifa = NLMSG_DATA(&m.nh);
	ifa->ifa_family = AF_MCTP;
	ifa->ifa_index = ifindex;
	add_attr(&m.nh, IFA_LOCAL, &local, 1);
	if (talk(nl, &m.nh) < 0) {
		printf("FAIL EID %u on %s: %s\n", local, ifname, strerror(errno));
		return 1;
	}

	/* mctp route add <remote> via mctpserialN */
	memset(&m, 0, sizeof(m));
	m.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	m.nh.nlmsg_type = RTM_NEWROUTE;
	m.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	struct rtmsg *rtm = NLMSG_DATA(&m.nh);
	rtm->rtm_family = AF_MCTP;
	rtm->rtm_dst_len = 0; /* a single EID, not a range */
	rtm->rtm_table = RT_TABLE_DEFAULT;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	add_attr(&m.nh, RTA_DST, &remote, 1);
	uint32_t oif = ifindex;
	add_attr(&m.nh, RTA_OIF, &oif, sizeof(oif));
	if (talk(nl, &m.nh) < 0) {
		printf("FAIL route to EID %u via %s: %s\n", remote, ifname, strerror(errno));
		return 1;
	}
	close(nl);
	printf("ok   %s up, local EID %u, route to EID %u\n", ifname, local, remote);
	fflush(stdout);

	/* Keep the tty (and so the interface) until the guest powers off. */
	if (fork() == 0) {
		setsid();
		for (;;)
			pause();
	}
	return 0;
}
