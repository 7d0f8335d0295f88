/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * json.h - a streaming JSON writer for -j and -p output.
 *
 * The writer tracks nesting so commas and indentation come out right; the
 * caller opens and closes objects and arrays in order. Strings are escaped
 * as RFC 8259 requires; bytes that are not valid UTF-8 are written as
 * U+FFFD so the output always parses.
 */
#ifndef MXG_JSON_H
#define MXG_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *out;
	int pretty;
	int depth;
	int first[JSON_MAX_DEPTH];
	int after_name;
};

void json_init(struct json *j, FILE *out, int pretty);
void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
/* Start a member of the current object; the next value call is its value. */
void json_name(struct json *j, const char *name);
void json_string(struct json *j, const char *s);
void json_string_len(struct json *j, const char *s, size_t len);
void json_uint(struct json *j, uint64_t v);
void json_int(struct json *j, int64_t v);
void json_double(struct json *j, double v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);
/* json_raw - a value that is already a JSON document (from the daemon). */
void json_raw(struct json *j, const char *text);
/* End the document with a newline. */
void json_finish(struct json *j);

/* Shorthand for json_name() followed by a value. */
void json_kv_string(struct json *j, const char *name, const char *s);
void json_kv_uint(struct json *j, const char *name, uint64_t v);
void json_kv_int(struct json *j, const char *name, int64_t v);
void json_kv_bool(struct json *j, const char *name, int v);

#endif /* MXG_JSON_H */
