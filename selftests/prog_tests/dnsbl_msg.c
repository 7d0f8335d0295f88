// SPDX-License-Identifier: GPL-2.0-only
/*
 * dnsbl_msg.c - dnsbl_parse_response() on hand-built DNS messages: good
 * answers, negative answers with their SOA TTL, error rcodes, mismatched
 * questions, foreign records, and broken messages cut at every byte or
 * mutated at random, which must all end as an error status.
 */
#include <stdlib.h>
#include "test_progs.h"
#include "dnsbl.h"

#define QNAME "10.2.0.192.zen.example"

struct msg {
	unsigned char b[2048];
	size_t len;
};

static void put8(struct msg *m, unsigned v)
{
	m->b[m->len++] = v;
}

static void put16(struct msg *m, unsigned v)
{
	put8(m, v >> 8);
	put8(m, v & 255);
}

static void put32(struct msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

static void put_name(struct msg *m, const char *name)
{
	const char *p = name;

	while (*p) {
		size_t n = strcspn(p, ".");

		put8(m, n);
		memcpy(m->b + m->len, p, n);
		m->len += n;
		p += n;
		if (*p == '.')
			p++;
	}
	put8(m, 0);
}

/* start - header and question; counts are patched by set_counts(). */
static void start(struct msg *m, unsigned flags, const char *qname, unsigned qtype)
{
	m->len = 0;
	put16(m, 0x1234);
	put16(m, flags);
	put16(m, 1);
	put16(m, 0);
	put16(m, 0);
	put16(m, 0);
	put_name(m, qname);
	put16(m, qtype);
	put16(m, 1);
}

static void set_counts(struct msg *m, unsigned an, unsigned ns)
{
	m->b[6] = an >> 8;
	m->b[7] = an & 255;
	m->b[8] = ns >> 8;
	m->b[9] = ns & 255;
}

/* add_a - an A record owned by the question name (pointer to offset 12). */
static void add_a(struct msg *m, uint32_t ttl, uint32_t addr)
{
	put16(m, 0xc00c);
	put16(m, 1);
	put16(m, 1);
	put32(m, ttl);
	put16(m, 4);
	put32(m, addr);
}

static void add_soa(struct msg *m, uint32_t ttl, uint32_t minimum)
{
	size_t rdlen_at;

	put_name(m, "zen.example");
	put16(m, 6);
	put16(m, 1);
	put32(m, ttl);
	rdlen_at = m->len;
	put16(m, 0);
	put_name(m, "ns.zen.example");
	put_name(m, "hostmaster.zen.example");
	put32(m, 1);
	put32(m, 600);
	put32(m, 300);
	put32(m, 86400);
	put32(m, minimum);
	m->b[rdlen_at] = (m->len - rdlen_at - 2) >> 8;
	m->b[rdlen_at + 1] = (m->len - rdlen_at - 2) & 255;
}

#define RESPONSE 0x8580		/* QR, AA, RD, RA, rcode 0 */
#define A_127_0_0_2 0x7f000002

static int parse(struct msg *m, struct dnsbl_response *r)
{
	dnsbl_parse_response(m->b, m->len, QNAME, r);
	return r->status;
}

static void test_good(void)
{
	struct dnsbl_response r;
	struct msg m;

	start(&m, RESPONSE, QNAME, 1);
	add_a(&m, 300, A_127_0_0_2);
	add_a(&m, 30, 0x7f00000a);
	set_counts(&m, 2, 0);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_ANSWER, "two_a_records");
	ASSERT_EQ(r.naddr, 2, "two_addresses");
	ASSERT_EQ(r.addr[1], 0x7f00000a, "second_address");
	ASSERT_EQ(r.ttl, 30, "lowest_ttl");

	/* case differs: DNS names compare case-insensitively */
	start(&m, RESPONSE, "10.2.0.192.ZEN.Example", 1);
	add_a(&m, 300, A_127_0_0_2);
	set_counts(&m, 1, 0);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_ANSWER, "question_case");

	start(&m, RESPONSE | 3, QNAME, 1);
	add_soa(&m, 3600, 120);
	set_counts(&m, 0, 1);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_NXDOMAIN, "nxdomain");
	ASSERT_TRUE(r.has_ttl, "nxdomain_has_ttl");
	ASSERT_EQ(r.ttl, 120, "negative_ttl_is_soa_minimum");
	start(&m, RESPONSE | 3, QNAME, 1);
	add_soa(&m, 45, 120);
	set_counts(&m, 0, 1);
	parse(&m, &r);
	ASSERT_EQ(r.ttl, 45, "negative_ttl_is_soa_ttl");

	start(&m, RESPONSE | 3, QNAME, 1);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_NXDOMAIN, "nxdomain_without_soa");
	ASSERT_FALSE(r.has_ttl, "no_soa_no_ttl");

	start(&m, RESPONSE, QNAME, 1);
	add_soa(&m, 300, 300);
	set_counts(&m, 0, 1);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_NODATA, "nodata");

	/* RFC 2181: a TTL with the top bit set is zero */
	start(&m, RESPONSE, QNAME, 1);
	add_a(&m, 0x80000010, A_127_0_0_2);
	set_counts(&m, 1, 0);
	parse(&m, &r);
	ASSERT_EQ(r.ttl, 0, "ttl_top_bit");
}

static void test_errors(void)
{
	struct dnsbl_response r;
	struct msg m;
	int i;

	start(&m, RESPONSE | 2, QNAME, 1);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_SERVFAIL, "servfail");
	start(&m, RESPONSE | 5, QNAME, 1);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_REFUSED, "refused");
	start(&m, RESPONSE | 1, QNAME, 1);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_RCODE, "formerr");
	ASSERT_EQ(r.rcode, 1, "formerr_rcode");

	start(&m, RESPONSE, "11.2.0.192.zen.example", 1);
	add_a(&m, 300, A_127_0_0_2);
	set_counts(&m, 1, 0);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_MALFORMED, "other_question");
	start(&m, RESPONSE, QNAME, 28);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_MALFORMED, "other_qtype");
	start(&m, 0x0100, QNAME, 1);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_MALFORMED, "a_query_not_a_response");
	start(&m, RESPONSE | 0x0200, QNAME, 1);
	add_a(&m, 300, A_127_0_0_2);
	set_counts(&m, 1, 0);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_MALFORMED, "truncated_flag");
	start(&m, RESPONSE, QNAME, 1);
	m.b[5] = 2;
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_MALFORMED, "two_questions");

	/* a CNAME to a listed name: only records of the query name count */
	start(&m, RESPONSE, QNAME, 1);
	put16(&m, 0xc00c);
	put16(&m, 5);
	put16(&m, 1);
	put32(&m, 300);
	put16(&m, 16);
	put_name(&m, "listed.example");
	set_counts(&m, 1, 0);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_FOREIGN, "cname");
	ASSERT_EQ(r.rtype, 5, "cname_type");

	start(&m, RESPONSE, QNAME, 1);
	put_name(&m, "other.zen.example");
	put16(&m, 1);
	put16(&m, 1);
	put32(&m, 300);
	put16(&m, 4);
	put32(&m, A_127_0_0_2);
	set_counts(&m, 1, 0);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_FOREIGN, "a_for_other_name");

	start(&m, RESPONSE, QNAME, 1);
	put16(&m, 0xc00c);
	put16(&m, 28);
	put16(&m, 1);
	put32(&m, 300);
	put16(&m, 16);
	for (i = 0; i < 4; i++)
		put32(&m, i == 3 ? A_127_0_0_2 : 0);
	set_counts(&m, 1, 0);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_FOREIGN, "aaaa");

	start(&m, RESPONSE, QNAME, 1);
	for (i = 0; i < DNSBL_MAX_ANSWERS + 1; i++)
		add_a(&m, 300, A_127_0_0_2 + i);
	set_counts(&m, DNSBL_MAX_ANSWERS + 1, 0);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_TOO_MANY, "too_many_answers");

	start(&m, RESPONSE, QNAME, 1);
	put16(&m, 0xc00c);
	put16(&m, 1);
	put16(&m, 1);
	put32(&m, 300);
	put16(&m, 5);
	put32(&m, A_127_0_0_2);
	put8(&m, 0);
	set_counts(&m, 1, 0);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_MALFORMED, "a_of_5_bytes");

	/* the owner name is a compression pointer to itself */
	start(&m, RESPONSE, QNAME, 1);
	put16(&m, 0xc000 | m.len);
	put16(&m, 1);
	put16(&m, 1);
	put32(&m, 300);
	put16(&m, 4);
	put32(&m, A_127_0_0_2);
	set_counts(&m, 1, 0);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_MALFORMED, "compression_loop");

	start(&m, RESPONSE, QNAME, 1);
	put16(&m, 0xc000 | 2000);
	set_counts(&m, 1, 0);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_MALFORMED, "pointer_past_end");

	start(&m, RESPONSE | 3, QNAME, 1);
	add_a(&m, 300, A_127_0_0_2);
	set_counts(&m, 1, 0);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_MALFORMED, "nxdomain_with_answer");

	start(&m, RESPONSE, QNAME, 1);
	add_a(&m, 300, A_127_0_0_2);
	set_counts(&m, 3, 0);
	ASSERT_EQ(parse(&m, &r), DNSBL_ST_MALFORMED, "count_past_end");

	dnsbl_parse_response(NULL, 0, QNAME, &r);
	ASSERT_EQ(r.status, DNSBL_ST_MALFORMED, "empty_datagram");
}

/* Every prefix of a good message is either an error or not read past. */
static void test_truncation(void)
{
	struct dnsbl_response r;
	unsigned char *copy;
	struct msg m;
	size_t cut;
	int bad = 0;

	start(&m, RESPONSE | 3, QNAME, 1);
	add_soa(&m, 3600, 120);
	set_counts(&m, 0, 1);
	for (cut = 0; cut < m.len; cut++) {
		/* a heap copy of exactly cut bytes, so a read past it is visible to ASan */
		copy = malloc(cut ? cut : 1);
		if (!copy)
			return;
		memcpy(copy, m.b, cut);
		dnsbl_parse_response(copy, cut, QNAME, &r);
		free(copy);
		if (r.status != DNSBL_ST_MALFORMED) {
			test__log("cut at %zu of %zu: status %d", cut, m.len, r.status);
			bad++;
		}
	}
	ASSERT_EQ(bad, 0, "every_cut_is_malformed");
}

/* Random bytes changed in good messages: no crash, a valid status. */
static void test_mutations(void)
{
	struct dnsbl_response r;
	struct msg good, m;
	unsigned seed = 5782;
	int i, k, odd = 0;

	start(&good, RESPONSE, QNAME, 1);
	add_a(&good, 300, A_127_0_0_2);
	add_a(&good, 300, 0x7f00000a);
	add_soa(&good, 300, 60);
	set_counts(&good, 2, 1);
	for (i = 0; i < 20000; i++) {
		m = good;
		for (k = 0; k < 1 + i % 4; k++)
			m.b[rand_r(&seed) % m.len] = rand_r(&seed) & 255;
		if (i % 7 == 0)
			m.len = rand_r(&seed) % m.len;
		dnsbl_parse_response(m.b, m.len, QNAME, &r);
		if (r.status < DNSBL_ST_ANSWER || r.status > DNSBL_ST_OTHER ||
		    r.naddr > DNSBL_MAX_ANSWERS)
			odd++;
	}
	ASSERT_EQ(odd, 0, "statuses_in_range");
}

void test_dnsbl_msg(void)
{
	if (test__start_subtest("good_messages"))
		test_good();
	if (test__start_subtest("error_messages"))
		test_errors();
	if (test__start_subtest("truncation"))
		test_truncation();
	if (test__start_subtest("mutations"))
		test_mutations();
}
