// SPDX-License-Identifier: GPL-2.0-only
/*
 * dnsbl_sites.c - the pure part of DNSBL scoring: the dnsbl_sites syntax
 * of postconf(5) (postscreen_dnsbl_sites), answer filters, query names,
 * the error-answer rules and the score and verdict of a set of responses.
 * Nothing here does I/O, so the tests can drive every rule directly.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dnsbl.h"

/* Maximum length of one "zone=filter*weight" entry. */
#define ENTRY_MAX (DNSBL_ZONE_MAX + DNSBL_FILTER_MAX + 16)

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

static void set_bit(uint8_t map[32], unsigned v)
{
	map[v >> 3] |= 1u << (v & 7);
}

static int has_bit(const uint8_t map[32], unsigned v)
{
	return map[v >> 3] & (1u << (v & 7));
}

/* parse_octet - a decimal number 0..255 at *p; advances *p. */
static int parse_octet(const char **p, unsigned *v)
{
	const char *s = *p;
	unsigned n = 0;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	/* leading zeros are accepted, as Postfix's ip_match does */
	while (isdigit((unsigned char)*s)) {
		n = n * 10 + (*s - '0');
		if (n > 255)
			return -ERANGE;
		s++;
	}
	*p = s;
	*v = n;
	return 0;
}

/*
 * parse_field - one filter field: a number, or "[" members "]" where a
 * member is a number or n..m with n <= m, members separated by ';'.
 */
static int parse_field(const char **p, uint8_t map[32], char *why, size_t len)
{
	const char *s = *p;
	unsigned lo, hi, v;

	if (*s != '[') {
		if (parse_octet(&s, &v)) {
			snprintf(why, len, "expected a number from 0 to 255 or '[' at '%s'", s);
			return -EINVAL;
		}
		set_bit(map, v);
		*p = s;
		return 0;
	}
	s++;
	for (;;) {
		if (parse_octet(&s, &lo)) {
			snprintf(why, len, "expected a number from 0 to 255 at '%s'", s);
			return -EINVAL;
		}
		hi = lo;
		if (s[0] == '.' && s[1] == '.') {
			s += 2;
			if (parse_octet(&s, &hi) || hi < lo) {
				snprintf(why, len,
					 "expected a range n..m with n <= m <= 255 at '..%s'", s);
				return -EINVAL;
			}
		}
		for (v = lo; v <= hi; v++)
			set_bit(map, v);
		if (*s == ';') {
			s++;
			continue;
		}
		if (*s == ']')
			break;
		snprintf(why, len, "expected ';' or ']' at '%s'", s);
		return -EINVAL;
	}
	*p = s + 1;
	return 0;
}

/* parse_filter - the d.d.d.d pattern of postconf(5), optionally in [...]. */
static int parse_filter(const char *text, struct dnsbl_site *site, char *why,
			size_t len)
{
	char buf[DNSBL_FILTER_MAX + 1];
	const char *s = text;
	size_t n = strlen(text);
	int i, b, count;

	/* Postfix strips one pair of brackets around the whole pattern. */
	if (n >= 2 && text[0] == '[' && text[n - 1] == ']') {
		int level = 0;
		size_t k;

		for (k = 0; k < n; k++) {
			if (text[k] == '[')
				level++;
			else if (text[k] == ']' && --level == 0)
				break;
		}
		if (k == n - 1) {
			memcpy(buf, text + 1, n - 2);
			buf[n - 2] = '\0';
			s = buf;
		}
	}
	if (!*s) {
		snprintf(why, len, "the filter is empty: expected d.d.d.d");
		return -EINVAL;
	}
	memset(site->octet, 0, sizeof(site->octet));
	for (i = 0; i < 4; i++) {
		if (parse_field(&s, site->octet[i], why, len))
			return -EINVAL;
		if (i < 3) {
			if (*s != '.') {
				snprintf(why, len, "expected 4 fields d.d.d.d, got %d", i + 1);
				return -EINVAL;
			}
			s++;
		}
	}
	if (*s) {
		snprintf(why, len, "unexpected '%s' after the 4th field", s);
		return -EINVAL;
	}

	/* "single": the filter accepts exactly one address */
	site->single = 1;
	for (i = 0; i < 4; i++) {
		for (b = 0, count = 0; b < 256; b++)
			count += !!has_bit(site->octet[i], b);
		if (count != 1)
			site->single = 0;
	}
	return 0;
}

/*
 * valid_zone - check a host name: labels of letters, digits, '-' and
 * '_', 1 to 63 characters, not starting or ending with '-', and not all
 * digits.
 */
static int valid_zone(const char *z, char *why, size_t len)
{
	size_t n = strlen(z), label = 0, i;
	int non_numeric = 0;

	if (n == 0) {
		snprintf(why, len, "the zone is empty");
		return -EINVAL;
	}
	if (n > DNSBL_ZONE_MAX) {
		snprintf(why, len,
			 "the zone is longer than %d characters, so IPv6 query names would not fit",
			 DNSBL_ZONE_MAX);
		return -EINVAL;
	}
	for (i = 0; i <= n; i++) {
		char c = z[i];

		if (c == '.' || c == '\0') {
			if (label == 0) {
				snprintf(why, len, "empty label in the zone");
				return -EINVAL;
			}
			if (z[i - 1] == '-') {
				snprintf(why, len, "a label of the zone ends with '-'");
				return -EINVAL;
			}
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)c) && c != '-' && c != '_') {
			snprintf(why, len,
				 "invalid character '%c' in the zone: expected letters, digits, '-', '_' and '.'",
				 c);
			return -EINVAL;
		}
		if (label == 0 && c == '-') {
			snprintf(why, len, "a label of the zone starts with '-'");
			return -EINVAL;
		}
		if (++label > 63) {
			snprintf(why, len, "a label of the zone is longer than 63 characters");
			return -EINVAL;
		}
		if (!isdigit((unsigned char)c))
			non_numeric = 1;
	}
	if (!non_numeric) {
		snprintf(why, len, "the zone is all digits: expected a domain name");
		return -EINVAL;
	}
	return 0;
}

static int parse_weight(const char *w, int *out)
{
	const char *s = w;
	long v = 0;
	int neg = 0;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (*s - '0');
		if (v > DNSBL_WEIGHT_MAX + 1L)
			return -ERANGE;
	}
	if (*s)
		return -EINVAL;
	v = neg ? -v : v;
	if (v < DNSBL_WEIGHT_MIN || v > DNSBL_WEIGHT_MAX)
		return -ERANGE;
	*out = (int)v;
	return 0;
}

/* parse_entry - one "zone[=filter][*weight]" into site. */
static int parse_entry(const char *entry, struct dnsbl_site *site, char *err,
		       size_t errlen)
{
	char copy[ENTRY_MAX + 1], why[200];
	char *star, *eq;
	size_t i;

	memset(site, 0, sizeof(*site));
	if (strlen(entry) > ENTRY_MAX) {
		snprintf(err, errlen,
			 "invalid dnsbl_sites entry '%.40s...': longer than %d characters",
			 entry, ENTRY_MAX);
		return -EINVAL;
	}
	strcpy(copy, entry);

	/* as postscreen: the weight after the first '*', then the filter */
	site->weight = 1;
	star = strchr(copy, '*');
	if (star) {
		*star = '\0';
		if (parse_weight(star + 1, &site->weight)) {
			snprintf(err, errlen,
				 "invalid weight '%s' in dnsbl_sites entry '%s': expected an integer from %d to %d",
				 star + 1, entry, DNSBL_WEIGHT_MIN, DNSBL_WEIGHT_MAX);
			return -EINVAL;
		}
	}
	eq = strchr(copy, '=');
	if (eq) {
		*eq = '\0';
		if (strlen(eq + 1) > DNSBL_FILTER_MAX) {
			snprintf(err, errlen,
				 "invalid filter in dnsbl_sites entry '%s': longer than %d characters",
				 entry, DNSBL_FILTER_MAX);
			return -EINVAL;
		}
		if (parse_filter(eq + 1, site, why, sizeof(why))) {
			snprintf(err, errlen,
				 "invalid filter '%s' in dnsbl_sites entry '%s': %s",
				 eq + 1, entry, why);
			return -EINVAL;
		}
		strcpy(site->filter, eq + 1);
		site->has_filter = 1;
	}
	if (valid_zone(copy, why, sizeof(why))) {
		snprintf(err, errlen, "invalid dnsbl_sites entry '%s': %s", entry, why);
		return -EINVAL;
	}
	for (i = 0; copy[i]; i++)
		site->zone[i] = tolower((unsigned char)copy[i]);
	site->zone[i] = '\0';
	return 0;
}

int dnsbl_sites_parse(const char *spec, struct dnsbl_site **sites, size_t *n,
		      char *err, size_t errlen)
{
	static const char seps[] = ", \t\r\n";
	struct dnsbl_site *out = NULL;
	size_t count = 0;
	const char *p = spec ? spec : "";
	int e;

	*sites = NULL;
	*n = 0;
	for (;;) {
		char entry[ENTRY_MAX + 2];
		size_t len;

		p += strspn(p, seps);
		if (!*p)
			break;
		len = strcspn(p, seps);
		if (count == DNSBL_MAX_SITES) {
			snprintf(err, errlen,
				 "too many dnsbl_sites entries: at most %d", DNSBL_MAX_SITES);
			e = -EINVAL;
			goto out_free;
		}
		if (!out) {
			out = calloc(DNSBL_MAX_SITES, sizeof(*out));
			if (!out) {
				snprintf(err, errlen, "out of memory");
				return -ENOMEM;
			}
		}
		/* an overlong entry is cut one byte past the limit and rejected */
		if (len > ENTRY_MAX + 1)
			len = ENTRY_MAX + 1;
		memcpy(entry, p, len);
		entry[len] = '\0';
		e = parse_entry(entry, &out[count], err, errlen);
		if (e)
			goto out_free;
		count++;
		p += strcspn(p, seps);
	}
	*sites = out;
	*n = count;
	return 0;
out_free:
	free(out);
	return e;
}

int dnsbl_site_match(const struct dnsbl_site *s, uint32_t a)
{
	if (!s->has_filter)
		return 1;
	return has_bit(s->octet[0], a >> 24) && has_bit(s->octet[1], (a >> 16) & 255) &&
	       has_bit(s->octet[2], (a >> 8) & 255) && has_bit(s->octet[3], a & 255);
}

int dnsbl_query_name(const struct mxg_prefix *addr, const char *zone,
		     char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char rev[80];
	size_t pos = 0;
	int i, n;

	if (!prefix_is_host(addr))
		return -EINVAL;
	if (addr->family == AF_INET) {
		snprintf(rev, sizeof(rev), "%u.%u.%u.%u", addr->addr[3],
			 addr->addr[2], addr->addr[1], addr->addr[0]);
	} else if (addr->family == AF_INET6) {
		for (i = 15; i >= 0; i--) {
			rev[pos++] = hex[addr->addr[i] & 15];
			rev[pos++] = '.';
			rev[pos++] = hex[addr->addr[i] >> 4];
			rev[pos++] = i ? '.' : '\0';
		}
	} else {
		return -EINVAL;
	}
	n = snprintf(buf, len, "%s.%s", rev, zone);
	if (n < 0 || (size_t)n >= len || n > 253)
		return -ENAMETOOLONG;
	return 0;
}

const char *dnsbl_verdict_name(enum dnsbl_verdict v)
{
	switch (v) {
	case DNSBL_CLEAN:
		return "clean";
	case DNSBL_LISTED:
		return "listed";
	case DNSBL_ALLOWED:
		return "allowed";
	case DNSBL_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *dnsbl_error_code_name(uint32_t a)
{
	switch (a) {
	case IP4(127, 255, 255, 252):
		return "Spamhaus: typing error in the DNSBL name";
	case IP4(127, 255, 255, 254):
		return "Spamhaus: query through a public or open resolver";
	case IP4(127, 255, 255, 255):
		return "Spamhaus: excessive number of queries";
	case IP4(127, 0, 1, 255):
		return "Spamhaus: domain list asked about an IP address";
	case IP4(127, 0, 0, 255):
		return "dnswl.org: access blocked";
	case IP4(127, 0, 0, 1):
		return "URIBL: query refused";
	}
	if ((a >> 8) == IP4(0, 127, 255, 255))
		return "error range 127.255.255.0/24";
	return NULL;
}

/* is_error_answer - a documented error code the zone did not declare. */
static int is_error_answer(uint32_t a, const struct dnsbl_site *const *sites,
			   size_t n)
{
	size_t i;

	if ((a >> 8) == IP4(0, 127, 255, 255))
		return 1;	/* never a listing, whatever the filters say */
	if (!dnsbl_error_code_name(a))
		return 0;
	/* "zone=127.0.0.1" declares the code as one the zone lists with */
	for (i = 0; i < n; i++)
		if (sites[i]->single && dnsbl_site_match(sites[i], a))
			return 0;
	return 1;
}

void dnsbl_classify(struct dnsbl_response *r, const struct dnsbl_site *const *sites,
		    size_t n)
{
	unsigned i;

	if (r->status != DNSBL_ST_ANSWER)
		return;
	/* one answer in 127.255.255.0/24 spoils the whole response */
	for (i = 0; i < r->naddr; i++) {
		if ((r->addr[i] >> 8) == IP4(0, 127, 255, 255)) {
			r->status = DNSBL_ST_ERROR_CODE;
			r->bad = r->addr[i];
			return;
		}
	}
	for (i = 0; i < r->naddr; i++) {
		if ((r->addr[i] >> 24) != 127) {
			r->status = DNSBL_ST_OUTSIDE;
			r->bad = r->addr[i];
			return;
		}
		if (is_error_answer(r->addr[i], sites, n)) {
			r->status = DNSBL_ST_ERROR_CODE;
			r->bad = r->addr[i];
			return;
		}
	}
}

static const char *ip4_text(uint32_t a, char *buf, size_t len)
{
	struct in_addr in = { .s_addr = htonl(a) };

	return inet_ntop(AF_INET, &in, buf, len);
}

char *dnsbl_response_error(const struct dnsbl_response *r, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];
	const char *what;

	switch (r->status) {
	case DNSBL_ST_TIMEOUT:
		snprintf(buf, len, "timed out");
		break;
	case DNSBL_ST_SERVFAIL:
		snprintf(buf, len, "server failure (SERVFAIL)");
		break;
	case DNSBL_ST_REFUSED:
		snprintf(buf, len, "query refused (REFUSED)");
		break;
	case DNSBL_ST_NETWORK:
		snprintf(buf, len, "no DNS server answered (connection refused or unusable response)");
		break;
	case DNSBL_ST_MALFORMED:
		snprintf(buf, len, "malformed or mismatched response");
		break;
	case DNSBL_ST_RCODE:
		snprintf(buf, len, "error response (rcode %d)", r->rcode);
		break;
	case DNSBL_ST_FOREIGN:
		snprintf(buf, len,
			 "unexpected record of type %u in the answer (only A records for the query name count)",
			 r->rtype);
		break;
	case DNSBL_ST_TOO_MANY:
		snprintf(buf, len, "more than %d A records in the answer",
			 DNSBL_MAX_ANSWERS);
		break;
	case DNSBL_ST_ERROR_CODE:
		what = dnsbl_error_code_name(r->bad);
		snprintf(buf, len, "error answer %s (%s)",
			 ip4_text(r->bad, a, sizeof(a)), what ? what : "error code");
		break;
	case DNSBL_ST_OUTSIDE:
		snprintf(buf, len,
			 "answer %s is outside 127.0.0.0/8 (a wildcard or parked zone?)",
			 ip4_text(r->bad, a, sizeof(a)));
		break;
	default:
		snprintf(buf, len, "lookup failed");
		break;
	}
	return buf;
}

/* zone_matches - 1 when some entry of zone accepts answer a. */
static int zone_matches(const struct dnsbl_result *r, const char *zone,
			uint32_t a)
{
	size_t i;

	for (i = 0; i < r->nzones; i++)
		if (!strcmp(r->zones[i].zone, zone) &&
		    dnsbl_site_match(r->zones[i].site, a))
			return 1;
	return 0;
}

static uint32_t clamp_ttl(uint32_t t, unsigned min_ttl, unsigned max_ttl)
{
	if (t < min_ttl)
		return min_ttl;
	return t > max_ttl ? max_ttl : t;
}

/* note_unmatched - report the answers that no filter of the zone accepts. */
static void note_unmatched(const struct dnsbl_result *r,
			   struct dnsbl_zone_result *z)
{
	unsigned k;

	for (k = 0; k < z->nanswers; k++) {
		if (zone_matches(r, z->zone, z->addrs[k]))
			continue;
		snprintf(z->errbuf, sizeof(z->errbuf),
			 "answer %s matches no filter of the zone, ignored",
			 z->answers[k]);
		z->error = z->errbuf;
		return;
	}
}

void dnsbl_result_score(struct dnsbl_result *r, int threshold, int wl_threshold,
			unsigned min_ttl, unsigned max_ttl)
{
	uint32_t ttl_listed = UINT32_MAX, ttl_decided = UINT32_MAX;
	uint32_t ttl_undecided = UINT32_MAX;
	int lo = 0, hi = 0, decided = 0;
	size_t i;
	unsigned k;

	r->score = 0;
	for (i = 0; i < r->nzones; i++) {
		struct dnsbl_zone_result *z = &r->zones[i];

		z->listed = 0;
		z->counted = 0;
		if (z->disabled || z->status == DNSBL_ST_NONE)
			continue;
		for (k = 0; k < z->nanswers && z->status == DNSBL_ST_ANSWER; k++)
			if (dnsbl_site_match(z->site, z->addrs[k]))
				z->listed = 1;
		if (z->status == DNSBL_ST_ANSWER && !z->error)
			note_unmatched(r, z);
		if (z->pending || dnsbl_status_failed(z->status)) {
			/* undecided: it could add its weight or nothing */
			z->listed = 0;
			if (z->weight < 0)
				lo += z->weight;
			else
				hi += z->weight;
			if (z->ttl < ttl_undecided)
				ttl_undecided = z->ttl;
			continue;
		}
		z->counted = 1;
		decided++;
		if (z->ttl < ttl_decided)
			ttl_decided = z->ttl;
		if (!z->listed)
			continue;
		r->score += z->weight;
		if (z->ttl < ttl_listed)
			ttl_listed = z->ttl;
	}
	lo += r->score;
	hi += r->score;

	if (!decided)
		r->verdict = DNSBL_UNKNOWN;
	else if (lo >= threshold)
		r->verdict = DNSBL_LISTED;
	else if (wl_threshold < 0 && hi <= wl_threshold)
		r->verdict = DNSBL_ALLOWED;
	else if (hi < threshold && (wl_threshold >= 0 || lo > wl_threshold))
		r->verdict = DNSBL_CLEAN;
	else
		r->verdict = DNSBL_UNKNOWN;

	/* an open verdict is worth a retry soon, never a long cache */
	if (r->verdict == DNSBL_UNKNOWN)
		r->ttl = ttl_undecided < min_ttl ? ttl_undecided : min_ttl;
	else if (r->verdict != DNSBL_CLEAN && ttl_listed != UINT32_MAX)
		r->ttl = clamp_ttl(ttl_listed, min_ttl, max_ttl);
	else
		r->ttl = clamp_ttl(ttl_decided, min_ttl, max_ttl);
}
