/* SPDX-License-Identifier: MIT */
/*
 * log_fields — the keys of a JSON log record (log_fields.def), for the
 * writer and the reader alike.
 */
#ifndef SOCKSHIM_LOG_FIELDS_H
#define SOCKSHIM_LOG_FIELDS_H

#include <stddef.h>

enum log_field {
#define FIELD(id, name, meaning) LF_##id,
#include "log_fields.def"
#undef FIELD
	LOG_FIELD_COUNT
};

struct log_field_info {
	const char *name;	/* "app_val" */
	const char *key;	/* ",\"app_val\":", as the writer puts it after
				   the first field */
	size_t keylen;		/* strlen(key), known at compile time */
	const char *meaning;
};

extern const struct log_field_info log_fields[LOG_FIELD_COUNT];

/* The field a key names (name need not be NUL-terminated); -1 if none. */
int log_field_find(const char *name, size_t len);

#endif
