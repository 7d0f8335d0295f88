// SPDX-License-Identifier: GPL-2.0-only
/*
 * dnsbl_msg.c - check a DNS response to a DNSBL query: header, question,
 * the A records of the answer section and the SOA of a negative answer.
 *
 * c-ares 1.18 offers no record-level parser, and ares_parse_a_reply()
 * follows CNAME chains, so this walks the message itself. Names are
 * expanded with ares_expand_name(), which bounds compression loops; every
 * other read is checked against the message length.
 */
#include <ares.h>
#include <arpa/nameser.h>
#include <string.h>
#include <strings.h>
#include "dnsbl.h"

#define DNS_HEADER_LEN 12
#define TYPE_A 1
#define TYPE_SOA 6
#define CLASS_IN 1

static unsigned get16(const unsigned char *p)
{
	return (p[0] << 8) | p[1];
}

static uint32_t get32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

/* ttl_value - RFC 2181 section 8: a TTL with the top bit set means zero. */
static uint32_t ttl_value(uint32_t t)
{
	return t & 0x80000000u ? 0 : t;
}

/*
 * read_name - expand the name at *pos; advances *pos past it. With want
 * set, compares it with want (case-insensitive) into *same. Returns 0 or
 * -1 for a malformed name.
 */
static int read_name(const unsigned char *buf, size_t len, size_t *pos,
		     const char *want, int *same)
{
	char *name = NULL;
	long enclen = 0;

	if (*pos >= len ||
	    ares_expand_name(buf + *pos, buf, (int)len, &name, &enclen) != ARES_SUCCESS)
		return -1;
	if (enclen <= 0 || *pos + (size_t)enclen > len) {
		ares_free_string(name);
		return -1;
	}
	*pos += enclen;
	if (want)
		*same = !strcasecmp(name, want);
	ares_free_string(name);
	return 0;
}

/* The fixed fields of one resource record; rdata is an offset into the message. */
struct rr {
	int owner_is_qname;
	unsigned type, klass;
	uint32_t ttl;
	size_t rdata, rdlen;
};

/* read_rr - the record at *pos; advances *pos past it. Returns 0 or -1. */
static int read_rr(const unsigned char *buf, size_t len, size_t *pos,
		   const char *qname, struct rr *rr)
{
	if (read_name(buf, len, pos, qname, &rr->owner_is_qname))
		return -1;
	if (*pos + 10 > len)
		return -1;
	rr->type = get16(buf + *pos);
	rr->klass = get16(buf + *pos + 2);
	rr->ttl = ttl_value(get32(buf + *pos + 4));
	rr->rdlen = get16(buf + *pos + 8);
	rr->rdata = *pos + 10;
	if (rr->rdata + rr->rdlen > len)
		return -1;
	*pos = rr->rdata + rr->rdlen;
	return 0;
}

/* negative_ttl - min(SOA TTL, SOA MINIMUM) from the authority section. */
static int negative_ttl(const unsigned char *buf, size_t len, size_t pos,
			unsigned nscount, struct dnsbl_response *r)
{
	unsigned i;

	for (i = 0; i < nscount; i++) {
		struct rr rr;
		size_t p;
		uint32_t min;

		if (read_rr(buf, len, &pos, NULL, &rr))
			return -1;
		if (rr.type != TYPE_SOA || rr.klass != CLASS_IN)
			continue;
		/* MNAME and RNAME, then five 32-bit fields ending in MINIMUM */
		p = rr.rdata;
		if (read_name(buf, len, &p, NULL, NULL) ||
		    read_name(buf, len, &p, NULL, NULL) ||
		    p + 20 != rr.rdata + rr.rdlen)
			return -1;
		min = ttl_value(get32(buf + p + 16));
		r->ttl = rr.ttl < min ? rr.ttl : min;
		r->has_ttl = 1;
		return 0;
	}
	return 0;
}

void dnsbl_parse_response(const unsigned char *buf, size_t len,
			  const char *qname, struct dnsbl_response *r)
{
	unsigned flags, qdcount, ancount, nscount, rcode, i;
	size_t pos = DNS_HEADER_LEN;
	int same = 0;

	memset(r, 0, sizeof(*r));
	r->status = DNSBL_ST_MALFORMED;
	if (!buf || len < DNS_HEADER_LEN || len > 65535)
		return;
	flags = get16(buf + 2);
	qdcount = get16(buf + 4);
	ancount = get16(buf + 6);
	nscount = get16(buf + 8);
	rcode = flags & 0xf;
	/* a response (QR), standard query, not truncated */
	if (!(flags & 0x8000) || ((flags >> 11) & 0xf) != 0 || (flags & 0x0200))
		return;

	/* exactly our question: qname IN A */
	if (qdcount != 1 || read_name(buf, len, &pos, qname, &same) || !same ||
	    pos + 4 > len || get16(buf + pos) != TYPE_A ||
	    get16(buf + pos + 2) != CLASS_IN)
		return;
	pos += 4;

	switch (rcode) {
	case ns_r_noerror:
	case ns_r_nxdomain:
		break;
	case ns_r_servfail:
		r->status = DNSBL_ST_SERVFAIL;
		return;
	case ns_r_refused:
		r->status = DNSBL_ST_REFUSED;
		return;
	default:
		r->status = DNSBL_ST_RCODE;
		r->rcode = rcode;
		return;
	}

	/* the answer section: A records for qname and nothing else */
	for (i = 0; i < ancount; i++) {
		struct rr rr;

		if (read_rr(buf, len, &pos, qname, &rr))
			return;
		if (rr.type != TYPE_A || rr.klass != CLASS_IN || !rr.owner_is_qname) {
			r->status = DNSBL_ST_FOREIGN;
			r->rtype = rr.type;
			return;
		}
		if (rr.rdlen != 4)
			return;
		if (r->naddr == DNSBL_MAX_ANSWERS) {
			r->status = DNSBL_ST_TOO_MANY;
			return;
		}
		r->addr[r->naddr++] = get32(buf + rr.rdata);
		if (!r->has_ttl || rr.ttl < r->ttl)
			r->ttl = rr.ttl;
		r->has_ttl = 1;
	}
	if (r->naddr && rcode == ns_r_nxdomain) {
		r->naddr = 0;	/* records in an NXDOMAIN answer: contradictory */
		return;
	}
	if (r->naddr) {
		r->status = DNSBL_ST_ANSWER;
		return;
	}
	if (negative_ttl(buf, len, pos, nscount, r))
		return;
	r->status = rcode == ns_r_nxdomain ? DNSBL_ST_NXDOMAIN : DNSBL_ST_NODATA;
}
