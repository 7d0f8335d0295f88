// SPDX-License-Identifier: GPL-2.0-only
/*
 * dnsbl_sites.c - the dnsbl_sites syntax, answer filters, query names, the
 * error-answer rules and scoring, without DNS. The scoring cases include
 * the single and multi DNSBL cases of Postfix's own postscreen_dnsbl test.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include "test_progs.h"
#include "dnsbl.h"

#define ARRAY_SIZE_T(a) (sizeof(a) / sizeof((a)[0]))

static uint32_t ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return 0;
	return ntohl(a.s_addr);
}

static void parse_ok(const char *spec, size_t want_n)
{
	struct dnsbl_site *sites = NULL;
	char err[512] = "";
	size_t n = 99;

	if (!ASSERT_OK(dnsbl_sites_parse(spec, &sites, &n, err, sizeof(err)), spec))
		test__log("message: %s", err);
	ASSERT_EQ(n, want_n, spec);
	free(sites);
}

static void parse_bad(const char *spec, const char *msg_part)
{
	struct dnsbl_site *sites = NULL;
	char err[512] = "";
	size_t n = 99;

	if (!ASSERT_ERR(dnsbl_sites_parse(spec, &sites, &n, err, sizeof(err)), spec))
		return;
	ASSERT_NULL(sites, spec);
	if (!ASSERT_TRUE(strstr(err, msg_part) != NULL, spec))
		test__log("message was '%s', expected it to contain '%s'", err, msg_part);
}

/* one_site - parse spec, which must hold one entry, into *s. */
static int one_site(const char *spec, struct dnsbl_site *s)
{
	struct dnsbl_site *sites = NULL;
	char err[512];
	size_t n = 0;

	if (!ASSERT_OK(dnsbl_sites_parse(spec, &sites, &n, err, sizeof(err)), spec) ||
	    !ASSERT_EQ(n, 1, spec)) {
		free(sites);
		return -1;
	}
	*s = sites[0];
	free(sites);
	return 0;
}

static void test_syntax(void)
{
	struct dnsbl_site s;

	parse_ok("", 0);
	parse_ok(" , \t,\n", 0);
	parse_ok("zen.example.org", 1);
	parse_ok("zen.example.org=127.0.0.[2..11]*3, wl.example.org*-5", 2);
	parse_ok("a.example b.example\tc.example,d.example", 4);
	parse_ok("bl.example.org=127.0.0.[2;4;10..12]", 1);
	parse_ok("bl.example.org=[127.0.0.2]", 1);
	parse_ok("list.dnswl.org=127.0.[0..255].[1..3]*-2", 1);
	parse_ok("zen.example.org*+2", 1);
	parse_ok("zen.example.org*0", 1);
	parse_ok("bl_under.example", 1);

	if (!one_site("ZEN.Example.ORG=127.0.0.[2..11]*3", &s))
		return;
	ASSERT_STREQ(s.zone, "zen.example.org", "zone_lower_case");
	ASSERT_STREQ(s.filter, "127.0.0.[2..11]", "filter_text");
	ASSERT_EQ(s.weight, 3, "weight");
	ASSERT_TRUE(s.has_filter, "has_filter");
	ASSERT_FALSE(s.single, "range_is_not_single");
	if (!one_site("wl.example.org*-5", &s))
		return;
	ASSERT_EQ(s.weight, -5, "negative_weight");
	ASSERT_FALSE(s.has_filter, "no_filter");
	if (!one_site("hk.example.org=127.0.0.1*-2", &s))
		return;
	ASSERT_TRUE(s.single, "single_address_filter");
	if (!one_site("d.example=[127.0.0.[4;4]]", &s))
		return;
	ASSERT_TRUE(s.single, "bracketed_single");
	ASSERT_EQ(s.weight, 1, "default_weight");
}

static void test_syntax_errors(void)
{
	parse_bad("zen.example.org*x", "invalid weight 'x'");
	parse_bad("zen.example.org*", "invalid weight ''");
	parse_bad("zen.example.org*3x", "expected an integer");
	parse_bad("zen.example.org*1001", "from -1000 to 1000");
	parse_bad("zen.example.org*99999999999", "from -1000 to 1000");
	parse_bad("zen.example.org=127.0.0", "expected 4 fields");
	parse_bad("zen.example.org=127.0.0.2.5", "after the 4th field");
	parse_bad("zen.example.org=127.0.0.256", "0 to 255");
	parse_bad("zen.example.org=127.0.0.[2..1]", "n <= m");
	parse_bad("zen.example.org=127.0.0.[2..]", "range n..m");
	parse_bad("zen.example.org=127.0.0.[2,3]", "expected ';' or ']'");
	parse_bad("zen.example.org=127.0.0.[]", "0 to 255");
	parse_bad("zen.example.org=127.0.[0.1].2", "expected ';' or ']'");
	parse_bad("zen.example.org=127.0.0.3[6..9]", "after the 4th field");
	parse_bad("zen.example.org=", "the filter is empty");
	parse_bad("zen.example.org=[127.0.0.2", "expected");
	parse_bad("=127.0.0.2", "the zone is empty");
	parse_bad("*3", "the zone is empty");
	parse_bad("zen..example.org", "empty label");
	parse_bad(".zen.example.org", "empty label");
	parse_bad("zen.example.org.", "empty label");
	parse_bad("zen.exa$mple.org", "invalid character '$'");
	parse_bad("-zen.example.org", "starts with '-'");
	parse_bad("zen-.example.org", "ends with '-'");
	parse_bad("127.0.0.1", "all digits");
	parse_bad("a123456789012345678901234567890123456789012345678901234567890123.org",
		  "longer than 63");
	/* the error names the entry it is about */
	parse_bad("good.example, bad.example=1.2.3", "entry 'bad.example=1.2.3'");
}

static void test_limits(void)
{
	char spec[4096], zone[256];
	size_t i, len = 0;

	for (i = 0; i < DNSBL_MAX_SITES; i++)
		len += snprintf(spec + len, sizeof(spec) - len, "z%zu.example ", i);
	parse_ok(spec, DNSBL_MAX_SITES);
	snprintf(spec + len, sizeof(spec) - len, "one-more.example");
	parse_bad(spec, "too many dnsbl_sites entries");

	/* a zone of 189 characters still leaves room for IPv6 query names */
	memset(zone, 'a', sizeof(zone));
	for (i = 60; i < DNSBL_ZONE_MAX; i += 61)
		zone[i] = '.';
	zone[DNSBL_ZONE_MAX] = '\0';
	parse_ok(zone, 1);
	zone[DNSBL_ZONE_MAX] = 'b';
	zone[DNSBL_ZONE_MAX + 1] = '\0';
	parse_bad(zone, "IPv6 query names would not fit");
}

static void test_filters(void)
{
	struct dnsbl_site s;

	if (!one_site("z.example=127.0.0.[2..11]", &s))
		return;
	ASSERT_TRUE(dnsbl_site_match(&s, ip("127.0.0.2")), "range_low");
	ASSERT_TRUE(dnsbl_site_match(&s, ip("127.0.0.11")), "range_high");
	ASSERT_FALSE(dnsbl_site_match(&s, ip("127.0.0.1")), "below_range");
	ASSERT_FALSE(dnsbl_site_match(&s, ip("127.0.0.12")), "above_range");
	ASSERT_FALSE(dnsbl_site_match(&s, ip("127.0.1.2")), "other_octet");

	if (!one_site("z.example=127.0.0.[2;4;10..12]", &s))
		return;
	ASSERT_TRUE(dnsbl_site_match(&s, ip("127.0.0.4")), "list_member");
	ASSERT_FALSE(dnsbl_site_match(&s, ip("127.0.0.3")), "list_gap");
	ASSERT_TRUE(dnsbl_site_match(&s, ip("127.0.0.12")), "list_range");
	ASSERT_FALSE(dnsbl_site_match(&s, ip("127.0.0.13")), "list_after");

	if (!one_site("z.example=127.[0..1].[0..255].[1..3]", &s))
		return;
	ASSERT_TRUE(dnsbl_site_match(&s, ip("127.1.200.3")), "ranges_in_three_fields");
	ASSERT_FALSE(dnsbl_site_match(&s, ip("127.2.200.3")), "second_field_out");

	if (!one_site("z.example=007.0.0.02", &s))
		return;
	ASSERT_TRUE(dnsbl_site_match(&s, ip("7.0.0.2")), "leading_zeros");

	if (!one_site("z.example", &s))
		return;
	ASSERT_TRUE(dnsbl_site_match(&s, ip("127.0.0.200")), "no_filter_matches_all");
}

static void test_query_names(void)
{
	char buf[300], err[128];
	struct mxg_prefix a;

	addr_parse("192.0.2.10", &a, err, sizeof(err));
	ASSERT_OK(dnsbl_query_name(&a, "zen.example.org", buf, sizeof(buf)), "v4");
	ASSERT_STREQ(buf, "10.2.0.192.zen.example.org", "v4_name");

	/* RFC 5782 section 2.4's example */
	addr_parse("2001:db8:1:2:3:4:567:89ab", &a, err, sizeof(err));
	ASSERT_OK(dnsbl_query_name(&a, "ugly.example.com", buf, sizeof(buf)), "v6");
	ASSERT_STREQ(buf,
		     "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ugly.example.com",
		     "v6_name");

	prefix_parse("192.0.2.0/24", &a, err, sizeof(err));
	ASSERT_EQ(dnsbl_query_name(&a, "zen.example.org", buf, sizeof(buf)), -EINVAL,
		  "prefix_rejected");
}

static void test_classify(void)
{
	struct dnsbl_site plain, hk;
	const struct dnsbl_site *one[1] = { &plain }, *decl[1] = { &hk };
	struct dnsbl_response r;

	if (one_site("z.example", &plain) || one_site("hk.example=127.0.0.1", &hk))
		return;

#define CLASSIFY(sites, a1, a2, want, name)                               \
	do {                                                              \
		memset(&r, 0, sizeof(r));                                 \
		r.status = DNSBL_ST_ANSWER;                               \
		r.addr[r.naddr++] = ip(a1);                               \
		if (a2)                                                   \
			r.addr[r.naddr++] = ip(a2);                       \
		dnsbl_classify(&r, sites, 1);                             \
		ASSERT_EQ(r.status, want, name);                          \
	} while (0)

	CLASSIFY(one, "127.0.0.2", NULL, DNSBL_ST_ANSWER, "listing");
	CLASSIFY(one, "127.255.255.254", NULL, DNSBL_ST_ERROR_CODE, "spamhaus_open_resolver");
	CLASSIFY(one, "127.255.255.252", NULL, DNSBL_ST_ERROR_CODE, "spamhaus_typo");
	CLASSIFY(one, "127.255.255.255", NULL, DNSBL_ST_ERROR_CODE, "spamhaus_volume");
	CLASSIFY(one, "127.255.255.7", NULL, DNSBL_ST_ERROR_CODE, "error_range");
	/* one error answer spoils the whole response */
	CLASSIFY(one, "127.0.0.2", "127.255.255.254", DNSBL_ST_ERROR_CODE, "mixed_error");
	ASSERT_EQ(r.bad, ip("127.255.255.254"), "bad_answer_named");
	CLASSIFY(one, "127.0.1.255", NULL, DNSBL_ST_ERROR_CODE, "spamhaus_dbl_error");
	CLASSIFY(one, "127.0.0.255", NULL, DNSBL_ST_ERROR_CODE, "dnswl_blocked");
	CLASSIFY(one, "127.0.0.1", NULL, DNSBL_ST_ERROR_CODE, "uribl_refused");
	CLASSIFY(one, "192.0.2.80", NULL, DNSBL_ST_OUTSIDE, "parked_wildcard");
	CLASSIFY(one, "127.0.0.2", "10.0.0.1", DNSBL_ST_OUTSIDE, "mixed_outside");
	/* a zone whose filter names 127.0.0.1 alone lists with it */
	CLASSIFY(decl, "127.0.0.1", NULL, DNSBL_ST_ANSWER, "declared_code");
	CLASSIFY(decl, "127.255.255.254", NULL, DNSBL_ST_ERROR_CODE, "declared_not_error_range");
#undef CLASSIFY
}

/* The sites behind the result that build_result() fills in. */
static struct dnsbl_site *entry_sites;
static size_t entry_nsites;

/* build_result - one NXDOMAIN entry per site of spec, TTL 60. */
static int build_result(struct dnsbl_result *r, const char *spec)
{
	char err[256];
	size_t i;

	free(entry_sites);
	entry_sites = NULL;
	if (!ASSERT_OK(dnsbl_sites_parse(spec, &entry_sites, &entry_nsites, err,
					 sizeof(err)), spec))
		return -1;
	memset(r, 0, sizeof(*r));
	r->nzones = entry_nsites;
	for (i = 0; i < entry_nsites; i++) {
		r->zones[i].site = &entry_sites[i];
		r->zones[i].zone = entry_sites[i].zone;
		r->zones[i].filter = entry_sites[i].filter;
		r->zones[i].weight = entry_sites[i].weight;
		r->zones[i].status = DNSBL_ST_NXDOMAIN;
		r->zones[i].ttl = 60;
	}
	return 0;
}

/* answer - set the answers of every entry of zone (space-separated). */
static void answer(struct dnsbl_result *r, const char *zone, const char *list,
		   uint32_t ttl)
{
	char copy[256], *tok, *save;
	size_t i;

	for (i = 0; i < r->nzones; i++) {
		struct dnsbl_zone_result *z = &r->zones[i];

		if (strcmp(z->zone, zone))
			continue;
		z->ttl = ttl;
		z->nanswers = 0;
		z->status = *list ? DNSBL_ST_ANSWER : DNSBL_ST_NXDOMAIN;
		snprintf(copy, sizeof(copy), "%s", list);
		for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			z->addrs[z->nanswers] = ip(tok);
			snprintf(z->answers[z->nanswers], sizeof(z->answers[0]), "%s", tok);
			z->nanswers++;
		}
	}
}

static void status_of(struct dnsbl_result *r, const char *zone, int status)
{
	size_t i;

	for (i = 0; i < r->nzones; i++)
		if (!strcmp(r->zones[i].zone, zone))
			r->zones[i].status = status;
}

/* The single and multi DNSBL cases of Postfix's postscreen_dnsbl test. */
static void test_postscreen_cases(void)
{
	static const struct {
		const char *name, *sites, *zone, *answers;
		int score;
	} single[] = {
		{ "single_site_listed", "zen.spamhaus.org", "zen.spamhaus.org",
		  "127.0.0.2 127.0.0.4 127.0.0.10", 1 },
		{ "repeated_site_twice_the_score", "zen.spamhaus.org, zen.spamhaus.org",
		  "zen.spamhaus.org", "127.0.0.2 127.0.0.4 127.0.0.10", 2 },
		{ "unlisted_zero", "zen.spamhaus.org", "zen.spamhaus.org", "", 0 },
		{ "weight_first", "zen.spamhaus.org*3, zen.spamhaus.org",
		  "zen.spamhaus.org", "127.0.0.2 127.0.0.4 127.0.0.10", 4 },
		{ "weight_last", "zen.spamhaus.org, zen.spamhaus.org*3",
		  "zen.spamhaus.org", "127.0.0.2 127.0.0.4 127.0.0.10", 4 },
		{ "filter_weight_first", "zen.spamhaus.org=127.0.0.10*3, zen.spamhaus.org",
		  "zen.spamhaus.org", "127.0.0.2 127.0.0.4 127.0.0.10", 4 },
		{ "filter_weight_last", "zen.spamhaus.org, zen.spamhaus.org=127.0.0.10*3",
		  "zen.spamhaus.org", "127.0.0.2 127.0.0.4 127.0.0.10", 4 },
		{ "add_and_subtract",
		  "zen.spamhaus.org=127.0.0.[1..255]*3, zen.spamhaus.org=127.0.0.3*-1",
		  "zen.spamhaus.org", "127.0.0.3 127.0.0.10", 2 },
		{ "add_not_subtract",
		  "zen.spamhaus.org=127.0.0.[1..255]*3, zen.spamhaus.org=127.0.0.3*-1",
		  "zen.spamhaus.org", "127.0.0.10", 3 },
	};
	struct dnsbl_result r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE_T(single); i++) {
		if (build_result(&r, single[i].sites))
			continue;
		answer(&r, single[i].zone, single[i].answers, 60);
		dnsbl_result_score(&r, 100, 0, 60, 3600);
		ASSERT_EQ(r.score, single[i].score, single[i].name);
		ASSERT_EQ(r.ttl, 60, single[i].name);
	}

	/* dual DNSBL: the TTL is the lowest of the listing answers */
	if (!build_result(&r, "zen.spamhaus.org, foo.example.org")) {
		answer(&r, "foo.example.org", "", 62);
		answer(&r, "zen.spamhaus.org", "127.0.0.10", 61);
		dnsbl_result_score(&r, 100, 0, 60, 3600);
		ASSERT_EQ(r.score, 1, "listed_by_first");
		ASSERT_EQ(r.ttl, 61, "listed_by_first_ttl");
	}
	if (!build_result(&r, "zen.spamhaus.org, foo.example.org")) {
		answer(&r, "foo.example.org", "", 62);
		answer(&r, "zen.spamhaus.org", "", 61);
		dnsbl_result_score(&r, 100, 0, 60, 3600);
		ASSERT_EQ(r.score, 0, "unlisted_by_both");
		ASSERT_EQ(r.ttl, 61, "unlisted_ttl");
	}
	if (!build_result(&r, "list.dnswl.org=127.0.[0..255].[1..3]*-2, foo.example.org")) {
		answer(&r, "foo.example.org", "127.0.0.10", 62);
		answer(&r, "list.dnswl.org", "127.0.5.2", 61);
		dnsbl_result_score(&r, 100, 0, 60, 3600);
		ASSERT_EQ(r.score, -1, "allowlist_wins");
		ASSERT_EQ(r.ttl, 61, "allowlist_wins_ttl");
	}
}


static void test_verdicts(void)
{
	struct dnsbl_result r;
	const char *sites = "zen.example=127.0.0.[2..11]*3, bl.example*2, wl.example*-5";

	if (build_result(&r, sites))
		return;
	answer(&r, "zen.example", "127.0.0.2", 300);
	dnsbl_result_score(&r, 3, -1, 60, 3600);
	ASSERT_EQ(r.verdict, DNSBL_LISTED, "at_threshold_listed");
	ASSERT_EQ(r.ttl, 300, "ttl_of_listing");

	answer(&r, "zen.example", "127.0.0.2", 5);
	dnsbl_result_score(&r, 3, -1, 60, 3600);
	ASSERT_EQ(r.ttl, 60, "ttl_clamped_up");
	answer(&r, "zen.example", "127.0.0.2", 86400);
	dnsbl_result_score(&r, 3, -1, 60, 3600);
	ASSERT_EQ(r.ttl, 3600, "ttl_clamped_down");

	answer(&r, "bl.example", "127.0.0.2", 300);
	answer(&r, "zen.example", "", 300);
	dnsbl_result_score(&r, 3, -1, 60, 3600);
	ASSERT_EQ(r.score, 2, "below_threshold_score");
	ASSERT_EQ(r.verdict, DNSBL_CLEAN, "below_threshold_clean");

	answer(&r, "wl.example", "127.0.10.2", 300);
	dnsbl_result_score(&r, 3, -1, 60, 3600);
	ASSERT_EQ(r.score, -3, "allowlisted_score");
	ASSERT_EQ(r.verdict, DNSBL_ALLOWED, "allowlisted");
	/* an allowlist threshold of 0 or more turns allowlisting off */
	dnsbl_result_score(&r, 3, 0, 60, 3600);
	ASSERT_EQ(r.verdict, DNSBL_CLEAN, "allowlisting_off");

	/* a filter mismatch never lists, and is reported */
	if (build_result(&r, sites))
		return;
	answer(&r, "zen.example", "127.0.0.50", 300);
	dnsbl_result_score(&r, 3, -1, 60, 3600);
	ASSERT_EQ(r.score, 0, "mismatch_score");
	ASSERT_EQ(r.verdict, DNSBL_CLEAN, "mismatch_clean");
	ASSERT_STRSTR(r.zones[0].error, "127.0.0.50",
		    "mismatch_reported");

	/* a timeout of the zone that could reach the threshold: unknown */
	if (build_result(&r, sites))
		return;
	status_of(&r, "zen.example", DNSBL_ST_TIMEOUT);
	r.zones[0].ttl = 2;
	dnsbl_result_score(&r, 3, -1, 60, 3600);
	ASSERT_EQ(r.verdict, DNSBL_UNKNOWN, "timeout_unknown");
	ASSERT_EQ(r.score, 0, "timeout_no_score");
	ASSERT_EQ(r.ttl, 2, "timeout_retry_ttl");
	ASSERT_FALSE(r.zones[0].listed, "timeout_never_listed");

	/* a timeout that cannot change the verdict leaves it decided */
	if (build_result(&r, "zen.example*3, small.example*1"))
		return;
	status_of(&r, "small.example", DNSBL_ST_SERVFAIL);
	dnsbl_result_score(&r, 3, -1, 60, 3600);
	ASSERT_EQ(r.verdict, DNSBL_CLEAN, "irrelevant_error_clean");
	answer(&r, "zen.example", "127.0.0.2", 300);
	dnsbl_result_score(&r, 3, -1, 60, 3600);
	ASSERT_EQ(r.verdict, DNSBL_LISTED, "irrelevant_error_listed");
	/* but an allowlist that failed could have pulled the score down */
	if (build_result(&r, "zen.example*3, wl.example*-5"))
		return;
	answer(&r, "zen.example", "127.0.0.2", 300);
	status_of(&r, "wl.example", DNSBL_ST_TIMEOUT);
	dnsbl_result_score(&r, 3, -1, 60, 3600);
	ASSERT_EQ(r.verdict, DNSBL_UNKNOWN, "failed_allowlist_unknown");

	/* error answers: never a listing, never an allowlisting */
	if (build_result(&r, sites))
		return;
	status_of(&r, "zen.example", DNSBL_ST_ERROR_CODE);
	status_of(&r, "wl.example", DNSBL_ST_ERROR_CODE);
	dnsbl_result_score(&r, 3, -1, 60, 3600);
	ASSERT_EQ(r.score, 0, "error_codes_no_score");
	ASSERT_EQ(r.verdict, DNSBL_UNKNOWN, "error_codes_unknown");

	/* a zone not yet checked is not scored */
	if (build_result(&r, sites))
		return;
	answer(&r, "zen.example", "127.0.0.2", 300);
	r.zones[0].pending = 1;
	dnsbl_result_score(&r, 3, -1, 60, 3600);
	ASSERT_EQ(r.score, 0, "pending_not_scored");
	ASSERT_EQ(r.verdict, DNSBL_UNKNOWN, "pending_unknown");

	/* disabled zones are left out; with none decided the verdict is open */
	if (build_result(&r, "zen.example*3"))
		return;
	r.zones[0].disabled = 1;
	dnsbl_result_score(&r, 3, -1, 60, 3600);
	ASSERT_EQ(r.verdict, DNSBL_UNKNOWN, "all_disabled_unknown");
	free(entry_sites);
	entry_sites = NULL;
}

void test_dnsbl_sites(void)
{
	if (test__start_subtest("syntax"))
		test_syntax();
	if (test__start_subtest("syntax_errors"))
		test_syntax_errors();
	if (test__start_subtest("limits"))
		test_limits();
	if (test__start_subtest("filters"))
		test_filters();
	if (test__start_subtest("query_names"))
		test_query_names();
	if (test__start_subtest("error_answers"))
		test_classify();
	if (test__start_subtest("postscreen_cases"))
		test_postscreen_cases();
	if (test__start_subtest("verdicts"))
		test_verdicts();
}
